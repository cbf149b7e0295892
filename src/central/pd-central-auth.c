/* pd-central-auth.c: enrollment, sign-in, sessions and station keys, without HTTP. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <sodium.h>

#include "pd-central-auth.h"
#include "pd-central-identity.h"
#include "pd-central-request.h"
#include "pd-central-stats.h"
#include "sync/pd-packet.h"

struct _PdCentralAuth
{
  GObject      parent_instance;

  PdCentralDb *db;
  /* "username\ndevice id" -> number of sign-ins being verified, counted as failures until
   * they end */
  GHashTable  *sign_ins;
  /* Verified against when the username is unknown, so that the answer takes as long. */
  char        *dummy_verifier;
};

G_DEFINE_FINAL_TYPE (PdCentralAuth, pd_central_auth, G_TYPE_OBJECT)

static void
pd_central_auth_finalize (GObject *object)
{
  PdCentralAuth *self = (PdCentralAuth *) object;

  g_clear_object (&self->db);
  g_clear_pointer (&self->sign_ins, g_hash_table_unref);
  g_clear_pointer (&self->dummy_verifier, g_free);

  G_OBJECT_CLASS (pd_central_auth_parent_class)->finalize (object);
}

static void
pd_central_auth_class_init (PdCentralAuthClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pd_central_auth_finalize;
}

static void
pd_central_auth_init (PdCentralAuth *self)
{
  char verifier[crypto_pwhash_STRBYTES];
  guint8 password[16];

  self->sign_ins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  randombytes_buf (password, sizeof password);
  if (crypto_pwhash_str (verifier, (const char *) password, sizeof password,
                         crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0)
    self->dummy_verifier = g_strdup (verifier);
  else
    self->dummy_verifier = g_strdup ("");
}

PdCentralAuth *
pd_central_auth_new (PdCentralDb *db)
{
  PdCentralAuth *self;

  g_return_val_if_fail (PD_CENTRAL_IS_DB (db), NULL);

  self = g_object_new (PD_CENTRAL_TYPE_AUTH, NULL);
  self->db = g_object_ref (db);
  return self;
}

JsonNode *
pd_central_auth_time (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "server_time");
  json_builder_add_int_value (builder, pd_central_now ());
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_int_value (builder, 1);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
add_key (JsonBuilder  *builder,
         const char   *name,
         const guint8 *key,
         gsize         length)
{
  g_autofree char *text = pd_base64url_encode (key, length);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

JsonNode *
pd_central_auth_enroll (PdCentralAuth  *self,
                        const guint8   *body,
                        gsize           length,
                        gboolean       *proven,
                        GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PdCentralEnrollment) enrollment = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) office = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *office_code = NULL;

  g_return_val_if_fail (PD_CENTRAL_IS_AUTH (self), NULL);

  *proven = FALSE;
  enrollment = pd_central_enrollment_parse ((const char *) body, length, error);
  if (enrollment == NULL)
    return NULL;

  device_id = pd_central_db_enroll_device (self->db, enrollment->code, enrollment->public_key,
                                           enrollment->name, &office_code, &local_error);
  if (device_id == NULL)
    {
      if (g_error_matches (local_error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_BAD_CODE))
        {
          g_autoptr(GError) audit_error = NULL;

          if (!pd_central_db_audit (self->db, NULL, "enrollment_refused", enrollment->code,
                                    enrollment->name, &audit_error))
            g_warning ("%s", audit_error->message);
          g_set_error_literal (error, PD_CENTRAL_ERROR, PD_CENTRAL_ERROR_BAD_ENROLLMENT_CODE,
                               local_error->message);
        }
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  *proven = TRUE;
  /* The office exists (the code named it), so that failing to read it is the server's failure,
   * never a 404. */
  office = pd_central_db_get_office (self->db, office_code, NULL, &local_error);
  if (office == NULL)
    {
      g_set_error_literal (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_FAILED, local_error->message);
      return NULL;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, device_id);
  json_builder_set_member_name (builder, "office");
  json_builder_add_value (builder, g_steal_pointer (&office));
  add_key (builder, "central_box_public_key", pd_central_db_get_box_public_key (self->db),
           PD_PACKET_BOX_KEY_BYTES);
  add_key (builder, "central_sign_public_key", pd_central_db_get_sign_public_key (self->db),
           PD_PACKET_PUBLIC_KEY_BYTES);
  json_builder_set_member_name (builder, "server_time");
  json_builder_add_int_value (builder, pd_central_now ());
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

typedef struct {
  char     *device_id;
  char     *office_code;   /* the station's */
  char     *key;           /* in sign_ins */
  char     *username;
  char     *password;
  char     *verifier;
  gboolean  known;
  gboolean  proven;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->device_id);
  g_free (sign_in->office_code);
  g_free (sign_in->key);
  g_free (sign_in->username);
  sodium_memzero (sign_in->password, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in->verifier);
  g_free (sign_in);
}

static void
verify_password_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  SignIn *sign_in = task_data;

  g_task_return_boolean (task, crypto_pwhash_str_verify (sign_in->verifier, sign_in->password,
                                                         strlen (sign_in->password)) == 0);
}

static JsonNode *
sign_in_verified (PdCentralAuth  *self,
                  SignIn         *sign_in,
                  gboolean        verified,
                  GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PdCentralOfficer) officer = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *token = NULL;
  guint in_flight = GPOINTER_TO_UINT (g_hash_table_lookup (self->sign_ins, sign_in->key));
  gint64 expires_at = pd_central_now () + PD_CENTRAL_SESSION_SECONDS;

  if (in_flight <= 1)
    g_hash_table_remove (self->sign_ins, sign_in->key);
  else
    g_hash_table_insert (self->sign_ins, g_strdup (sign_in->key), GUINT_TO_POINTER (in_flight - 1));

  if (!verified || !sign_in->known ||
      (officer = pd_central_db_lookup_officer (self->db, sign_in->username)) == NULL)
    {
      if (!pd_central_db_audit (self->db, sign_in->device_id, "sign_in_failed", sign_in->username,
                                NULL, &local_error) ||
          !pd_central_db_bump (self->db, "sign_in_failures", 1, &local_error))
        g_warning ("%s", local_error->message);
      g_set_error_literal (error, PD_CENTRAL_ERROR, PD_CENTRAL_ERROR_BAD_CREDENTIALS,
                           _("The username or password is wrong. Check them and try again."));
      return NULL;
    }
  /* A token is bound to the station and its office: an officer of another office gets none
   * here (told so only once the password proved who they are). */
  if (g_strcmp0 (officer->office_code, sign_in->office_code) != 0)
    {
      if (!pd_central_db_audit (self->db, sign_in->device_id, "sign_in_other_office", officer->username,
                                sign_in->office_code, &local_error))
        g_warning ("%s", local_error->message);
      g_set_error (error, PD_CENTRAL_ERROR, PD_CENTRAL_ERROR_WRONG_OFFICE,
                   _("You are an officer of the office %s, and this station is enrolled for the "
                     "office %s. Sign in at a station of your own office."),
                   officer->office_code, sign_in->office_code);
      return NULL;
    }

  sign_in->proven = TRUE;
  token = pd_central_db_new_session (self->db, officer->username, sign_in->device_id, expires_at, error);
  if (token == NULL ||
      !pd_central_db_audit (self->db, sign_in->device_id, "signed_in", officer->username, NULL, error))
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, expires_at);
  json_builder_set_member_name (builder, "officer");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, officer->username);
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, officer->display_name);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, officer->role);
  json_builder_set_member_name (builder, "office_code");
  json_builder_add_string_value (builder, officer->office_code);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
verify_password_done (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean verified = g_task_propagate_boolean (G_TASK (result), NULL);
  JsonNode *node = sign_in_verified (g_task_get_source_object (task), g_task_get_task_data (task),
                                     verified, &error);

  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

void
pd_central_auth_sign_in_async (PdCentralAuth          *self,
                               const PdCentralCaller  *caller,
                               const guint8           *body,
                               gsize                   length,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralSignIn) parsed = NULL;
  g_autoptr(PdCentralOfficer) officer = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) verify = NULL;
  g_autofree char *key = NULL;
  SignIn *sign_in;
  gint64 now = pd_central_now ();
  gint64 oldest = now;
  guint failures;
  guint in_flight;

  g_return_if_fail (PD_CENTRAL_IS_AUTH (self));
  g_return_if_fail (caller != NULL && caller->device_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_central_auth_sign_in_async);

  parsed = pd_central_sign_in_parse ((const char *) body, length, &error);
  if (parsed == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Failures count per officer and station: a station of another office (or a hostile one of
   * this office) guessing passwords locks the officer out of that station only, never out of
   * the counters where they work. */
  key = g_strconcat (parsed->username, "\n", caller->device_id, NULL);
  in_flight = GPOINTER_TO_UINT (g_hash_table_lookup (self->sign_ins, key));
  failures = pd_central_db_count_audit (self->db, caller->device_id, "sign_in_failed", parsed->username,
                                        now - PD_CENTRAL_SIGN_IN_WINDOW, &oldest);
  if (failures + in_flight >= PD_CENTRAL_SIGN_IN_FAILURES)
    {
      if (!pd_central_db_audit (self->db, caller->device_id, "sign_in_rate_limited",
                                parsed->username, NULL, &error))
        g_warning ("%s", error->message);
      g_clear_error (&error);
      pd_central_set_rate_limited (&error, failures > 0 ? oldest + PD_CENTRAL_SIGN_IN_WINDOW - now : 1,
                                   _("Too many failed sign-ins for this username at this station. Wait a few minutes, then try again."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  officer = pd_central_db_lookup_officer (self->db, parsed->username);
  sign_in = g_new0 (SignIn, 1);
  sign_in->device_id = g_strdup (caller->device_id);
  sign_in->office_code = g_strdup (caller->office_code);
  sign_in->key = g_strdup (key);
  sign_in->username = g_strdup (parsed->username);
  sign_in->password = g_strdup (parsed->password);
  sign_in->known = officer != NULL;
  sign_in->verifier = g_strdup (officer ? officer->verifier : self->dummy_verifier);
  g_hash_table_insert (self->sign_ins, g_steal_pointer (&key), GUINT_TO_POINTER (in_flight + 1));
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);

  /* Never on the thread serving the other requests. */
  verify = g_task_new (self, cancellable, verify_password_done, g_steal_pointer (&task));
  g_task_set_source_tag (verify, verify_password_thread);
  g_task_set_task_data (verify, sign_in, NULL);
  g_task_run_in_thread (verify, verify_password_thread);
}

JsonNode *
pd_central_auth_sign_in_finish (PdCentralAuth  *self,
                                GAsyncResult   *result,
                                gboolean       *proven,
                                GError        **error)
{
  SignIn *sign_in;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  sign_in = g_task_get_task_data (G_TASK (result));
  *proven = sign_in != NULL && sign_in->proven;
  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonNode *
pd_central_auth_station_keys (PdCentralAuth          *self,
                              const PdCentralCaller  *caller,
                              GError                **error)
{
  g_return_val_if_fail (PD_CENTRAL_IS_AUTH (self), NULL);

  return pd_central_db_list_station_keys (self->db, caller->office_code, error);
}
