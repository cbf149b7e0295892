/* pd-central-packets.c: what stations push and pull, without HTTP.
 *
 * Pushes of applications and prepared declarations, online declarations, reference tables
 * and the statuses of applications. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-central-applications.h"
#include "pd-central-identity.h"
#include "pd-central-packets.h"
#include "pd-central-prepared.h"
#include "pd-central-reference.h"
#include "pd-declaration-code.h"

/* What the server keeps of an application: all the packet holds but the token, a bearer
 * secret of which the database keeps the hash only (the rows share @inner's values). */
static void
add_content_member (JsonObject  *inner,
                    const char  *name,
                    JsonNode    *value,
                    gpointer     content)
{
  if (!g_str_equal (name, "acceptance_token"))
    json_object_set_member (content, name, json_node_ref (value));
}

static JsonObject *
content_of (JsonObject *inner)
{
  JsonObject *content = json_object_new ();

  json_object_foreach_member (inner, add_content_member, content);
  return content;
}

/* Sets who accepted @result's application from its token, or rejects the packet. */
static gboolean
check_acceptance (PdCentralDb         *db,
                  const PdPacket      *packet,
                  PdCentralPushResult *result)
{
  PdCentralApplication *application = result->application;
  g_autofree char *username = NULL;

  switch (pd_central_db_check_acceptance (db, packet->device_id, application->acceptance_token,
                                          application->accepted_at, &username,
                                          application->acceptance_token_hash))
    {
    case PD_CENTRAL_ACCEPTANCE_OK:
      break;
    case PD_CENTRAL_ACCEPTANCE_NOT_A_COUNTER:
      pd_central_push_result_reject (result, "forbidden_role",
                                     _("This application was made at a station that is not enrolled as a counter, where no one "
                                       "may accept applications. Keep the packet and contact support."));
      return FALSE;
    case PD_CENTRAL_ACCEPTANCE_NO_TOKEN:
      pd_central_push_result_reject (result, "missing_acceptance_token",
                                     _("This application does not carry the token of the accepting officer’s online sign-in, "
                                       "so the central system cannot tell who accepted it. Update Passdesk at the station that "
                                       "made it; an officer signs in online there and accepts the application again."));
      return FALSE;
    case PD_CENTRAL_ACCEPTANCE_UNKNOWN_TOKEN:
    case PD_CENTRAL_ACCEPTANCE_OTHER_DEVICE:
      pd_central_push_result_reject (result, "forbidden_role",
                                     _("The sign-in this application carries as the proof of who accepted it was not made at "
                                       "the station that made the application. Keep the packet and contact support."));
      return FALSE;
    case PD_CENTRAL_ACCEPTANCE_UNKNOWN_OFFICER:
      pd_central_push_result_reject (result, "forbidden_role",
                                     _("The officer who accepted this application is not an officer of the office of the "
                                       "station that made it. Keep the packet and contact support."));
      return FALSE;
    case PD_CENTRAL_ACCEPTANCE_NOT_ALLOWED:
      pd_central_push_result_reject (result, "forbidden_role",
                                     _("The person who accepted this application may not accept applications. Ask an "
                                       "officer to check the application and accept it again."));
      return FALSE;
    case PD_CENTRAL_ACCEPTANCE_OUTSIDE_WINDOW:
    default:
      pd_central_push_result_reject (result, "forbidden_role",
                                     _("This application was accepted before the officer’s last online sign-in at the "
                                       "station, or too long after it. The officer signs in online at the station and "
                                       "accepts the application again."));
      return FALSE;
    }
  /* The body's name is the station's word only: it must agree with the token's. */
  if (application->accepted_by != NULL && !g_str_equal (application->accepted_by, username))
    {
      pd_central_push_result_reject (result, "forbidden_role",
                                     _("The officer this application names as accepting it is not the officer who signed "
                                       "in to accept it. Keep the packet and contact support."));
      return FALSE;
    }
  g_free (application->accepted_by);
  application->accepted_by = g_steal_pointer (&username);
  return TRUE;
}

/* Everything that does not need the database lock: signatures, opening, the dossier. */
static void
check_packet (PdCentralDb         *db,
              PdCentralPushResult *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) inner = NULL;
  g_autoptr(JsonObject) content = NULL;
  g_autoptr(JsonNode) node = NULL;
  const PdPacket *packet = result->item->packet;
  guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES];

  if (packet == NULL)
    {
      pd_central_push_result_reject (result, "invalid_packet", result->item->problem);
      return;
    }
  if (!pd_central_db_lookup_device (db, packet->device_id, public_key, NULL))
    {
      pd_central_push_result_reject (result, "unknown_device",
                                     _("The station that made this packet is not enrolled with the central system. Keep the packet and contact support."));
      return;
    }
  if (!pd_packet_verify (packet, public_key, &error))
    {
      pd_central_push_result_reject (result, "invalid_signature", error->message);
      return;
    }
  inner = pd_packet_open (packet, pd_central_db_get_box_public_key (db),
                          pd_central_db_get_box_secret_key (db), &error);
  if (inner == NULL)
    {
      pd_central_push_result_reject (result, "invalid_packet", error->message);
      return;
    }
  if (g_str_equal (packet->kind, PD_PACKET_KIND_DECLARATION))
    {
      result->prepared = pd_central_prepared_check (inner, &error);
      if (result->prepared == NULL)
        pd_central_push_result_reject (result, "invalid_packet", error->message);
      return;
    }
  result->application = pd_central_application_check (inner, &error);
  if (result->application == NULL)
    {
      pd_central_push_result_reject (result, "invalid_packet", error->message);
      return;
    }
  /* Who accepted comes from the token of an online sign-in the station put into the sealed
   * packet at acceptance, never from the body: a token issued to that very station, a counter,
   * for an officer of its office who may accept, no longer ago than the acceptance window
   * (sync-protocol.md, "Authorization"). A packet is pushed later, by anyone carrying it: the
   * pusher's token says nothing about who accepted. */
  if (!check_acceptance (db, packet, result))
    return;
  content = content_of (inner);
  node = json_node_init_object (json_node_alloc (), content);
  result->content = json_to_string (node, FALSE);
}


/* {"results": [...]}: each packet's receipt or refusal, in the order of the push. */
static JsonNode *
push_answer (PdCentralPushResult *results,
             guint                n)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      PdCentralPushResult *result = &results[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "packet_id");
      if (result->item->packet_id)
        json_builder_add_string_value (builder, result->item->packet_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "result");
      json_builder_add_string_value (builder, result->result);
      if (result->error_code != NULL)
        {
          json_builder_set_member_name (builder, "error");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "code");
          json_builder_add_string_value (builder, result->error_code);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, result->message);
          json_builder_end_object (builder);
        }
      else
        {
          json_builder_set_member_name (builder, "receipt");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "central_id");
          json_builder_add_string_value (builder, result->central_id);
          json_builder_set_member_name (builder, "received_at");
          json_builder_add_int_value (builder, result->received_at);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
push (PdCentralDb            *db,
      const PdCentralCaller  *caller,
      const guint8           *body,
      gsize                   length,
      GError                **error)
{
  g_autoptr(GPtrArray) items = NULL;
  JsonNode *node = NULL;
  PdCentralPushResult *results;

  items = pd_central_push_parse ((const char *) body, length, error);
  if (items == NULL)
    return NULL;
  /* A volunteer prepares declarations; only an officer sends applications. */
  if (caller->officer != NULL && g_str_equal (caller->officer->role, "volunteer"))
    for (guint i = 0; i < items->len; i++)
      {
        PdCentralPushItem *item = g_ptr_array_index (items, i);

        /* A malformed packet is refused alone below, whoever sent it. */
        if (item->packet != NULL && !g_str_equal (item->packet->kind, PD_PACKET_KIND_DECLARATION))
          {
            g_set_error_literal (error, PD_CENTRAL_ERROR, PD_CENTRAL_ERROR_FORBIDDEN_ROLE,
                                 _("Volunteers cannot send accepted applications. Ask an officer to sign in."));
            return NULL;
          }
      }

  results = g_new0 (PdCentralPushResult, items->len);
  for (guint i = 0; i < items->len; i++)
    {
      results[i].item = g_ptr_array_index (items, i);
      check_packet (db, &results[i]);
    }
  if (pd_central_db_store_push (db, caller->device_id, results, items->len, error))
    node = push_answer (results, items->len);

  for (guint i = 0; i < items->len; i++)
    pd_central_push_result_clear (&results[i]);
  g_free (results);
  return node;
}

static gboolean
may_read_declarations (PdCentralDb           *db,
                       const PdCentralCaller *caller)
{
  return pd_central_prepared_may_read (db, caller->device_id, caller->officer ? caller->officer->role : NULL);
}

/* The database's NOT_FOUND is the answer's 404; its other failures the server's own. */
static JsonNode *
found (JsonNode  *node,
       GError   **error)
{
  if (node == NULL && g_error_matches (*error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_NOT_FOUND))
    {
      GError *not_found = g_error_new_literal (PD_CENTRAL_ERROR, PD_CENTRAL_ERROR_NOT_FOUND, (*error)->message);

      g_clear_error (error);
      g_propagate_error (error, not_found);
    }
  return node;
}

static JsonNode *
list_declarations (PdCentralDb            *db,
                   const PdCentralCaller  *caller,
                   gint64                  after,
                   guint                   limit,
                   GError                **error)
{
  /* Every online declaration of the office: counters need them (and mobile teams take them
   * on trips), an assisted-entry or entrance station must not hold other citizens' data. */
  if (!may_read_declarations (db, caller))
    {
      g_set_error_literal (error, PD_CENTRAL_ERROR, PD_CENTRAL_ERROR_FORBIDDEN_ROLE,
                           _("Only a counter station keeps the office’s online declarations. An assisted-entry "
                             "or entrance station looks a declaration up by its code."));
      return NULL;
    }
  return pd_central_db_list_declarations (db, caller->office_code, after, limit, error);
}

static JsonNode *
get_declaration (PdCentralDb            *db,
                 const PdCentralCaller  *caller,
                 const char             *argument,
                 GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *code = pd_declaration_code_parse (argument, NULL, NULL);

  if (code == NULL)
    {
      g_set_error_literal (error, PD_CENTRAL_ERROR, PD_CENTRAL_ERROR_NOT_FOUND,
                           _("This is not a declaration code. Check the code with the applicant."));
      return NULL;
    }
  /* A prepared declaration holds the photo of a citizen who came to the office: it goes to
   * the office's counters only, never back to an assisted-entry station. */
  node = pd_central_prepared_get (db, code, caller->office_code, &local_error);
  if (node != NULL && !may_read_declarations (db, caller))
    {
      g_set_error_literal (error, PD_CENTRAL_ERROR, PD_CENTRAL_ERROR_FORBIDDEN_ROLE,
                           _("Only a counter station reads declarations prepared at assisted entry. Scan "
                             "the slip at a counter."));
      return NULL;
    }
  if (node == NULL && g_error_matches (local_error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_NOT_FOUND))
    {
      g_clear_error (&local_error);
      node = pd_central_db_get_declaration (db, code, caller->office_code, &local_error);
    }
  if (node == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return found (g_steal_pointer (&node), error);
}

JsonNode *
pd_central_packets_handle (PdCentralDb            *db,
                           PdCentralPacketsRoute   route,
                           const PdCentralCaller  *caller,
                           const char             *argument,
                           const char             *query,
                           const guint8           *body,
                           gsize                   length,
                           GError                **error)
{
  gint64 after;
  guint limit;

  g_return_val_if_fail (PD_CENTRAL_IS_DB (db), NULL);
  g_return_val_if_fail (caller != NULL && caller->device_id != NULL, NULL);

  switch (route)
    {
    case PD_CENTRAL_PACKETS_PUSH:
      return push (db, caller, body, length, error);
    case PD_CENTRAL_PACKETS_DECLARATIONS:
      if (!pd_central_page_parse (query, &after, &limit, error))
        return NULL;
      return list_declarations (db, caller, after, limit, error);
    case PD_CENTRAL_PACKETS_DECLARATION:
      return get_declaration (db, caller, argument, error);
    case PD_CENTRAL_PACKETS_REFERENCE:
      if (argument != NULL)
        return found (pd_central_db_get_reference_table (db, argument, error), error);
      return pd_central_db_get_reference_versions (db, error);
    case PD_CENTRAL_PACKETS_STATUSES:
      if (!pd_central_page_parse (query, &after, &limit, error))
        return NULL;
      return pd_central_db_list_statuses (db, caller->device_id, after, limit, error);
    default:
      g_return_val_if_reached (NULL);
    }
}
