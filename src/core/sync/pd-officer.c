/* pd-officer.c: officer sign-in, online and offline. */
#define G_LOG_DOMAIN "pd-officer"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "pd-officer-private.h"
#include "pd-json.h"
#include "pd-secrets.h"
#include "pd-store-private.h"
#include "pd-sync-json-private.h"

struct _PdOfficer
{
  GObject  parent_instance;

  char    *username;
  char    *display_name;
  PdRole   role;
  char    *office_code;
  gint64   expires_at;
  gboolean offline;
  char    *token;
  char    *acceptance_token;
};

G_DEFINE_FINAL_TYPE (PdOfficer, pd_officer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USERNAME,
  PROP_ROLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  const char *name;
  const char *label;
} roles[] = {
  [PD_ROLE_NONE] = { "none", N_("Not signed in") },
  [PD_ROLE_OFFICER] = { "officer", N_("Officer") },
  [PD_ROLE_VOLUNTEER] = { "volunteer", N_("Volunteer") },
  [PD_ROLE_SUPERVISOR] = { "supervisor", N_("Supervisor") },
};

PdRole
pd_role_from_string (const char *text)
{
  for (guint i = PD_ROLE_OFFICER; i < G_N_ELEMENTS (roles); i++)
    if (g_strcmp0 (text, roles[i].name) == 0)
      return i;
  return PD_ROLE_NONE;
}

const char *
pd_role_to_string (PdRole role)
{
  g_return_val_if_fail (role < G_N_ELEMENTS (roles), NULL);
  return roles[role].name;
}

const char *
pd_role_get_label (PdRole role)
{
  g_return_val_if_fail (role < G_N_ELEMENTS (roles), NULL);
  return _(roles[role].label);
}

gboolean
pd_role_may_accept (PdRole role)
{
  return role == PD_ROLE_OFFICER || role == PD_ROLE_SUPERVISOR;
}

gboolean
pd_role_may_reopen (PdRole role)
{
  return role == PD_ROLE_SUPERVISOR;
}

static void
pd_officer_finalize (GObject *object)
{
  PdOfficer *self = (PdOfficer *)object;

  g_free (self->username);
  g_free (self->display_name);
  g_free (self->office_code);
  g_free (self->token);
  g_free (self->acceptance_token);

  G_OBJECT_CLASS (pd_officer_parent_class)->finalize (object);
}

static void
pd_officer_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PdOfficer *self = PD_OFFICER (object);

  switch (prop_id)
    {
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_ROLE:
      g_value_set_string (value, pd_role_to_string (self->role));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_officer_class_init (PdOfficerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_officer_finalize;
  object_class->get_property = pd_officer_get_property;

  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] =
    g_param_spec_string ("role", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pd_officer_init (PdOfficer *self)
{
}

const char *
pd_officer_get_username (PdOfficer *self)
{
  g_return_val_if_fail (PD_IS_OFFICER (self), NULL);
  return self->username;
}

const char *
pd_officer_get_display_name (PdOfficer *self)
{
  g_return_val_if_fail (PD_IS_OFFICER (self), NULL);
  return self->display_name;
}

PdRole
pd_officer_get_role (PdOfficer *self)
{
  g_return_val_if_fail (PD_IS_OFFICER (self), PD_ROLE_NONE);
  return self->role;
}

const char *
pd_officer_get_office_code (PdOfficer *self)
{
  g_return_val_if_fail (PD_IS_OFFICER (self), NULL);
  return self->office_code;
}

gint64
pd_officer_get_expires_at (PdOfficer *self)
{
  g_return_val_if_fail (PD_IS_OFFICER (self), 0);
  return self->expires_at;
}

gboolean
pd_officer_get_offline (PdOfficer *self)
{
  g_return_val_if_fail (PD_IS_OFFICER (self), FALSE);
  return self->offline;
}

const char *
pd_officer_get_token (PdOfficer *self)
{
  g_return_val_if_fail (PD_IS_OFFICER (self), NULL);
  return self->token;
}

const char *
pd_officer_get_acceptance_token (PdOfficer *self)
{
  g_return_val_if_fail (PD_IS_OFFICER (self), NULL);
  return self->acceptance_token;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Tokens and verifiers are per station and user: two stores on one computer are two
 * stations. */
static char *
secret_id (PdDevice   *device,
           const char *username)
{
  return g_strconcat (pd_device_get_device_id (device), "/", username, NULL);
}

char *
pd_officer_lookup_acceptance_token (PdDevice      *device,
                                    const char    *username,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_autofree char *id = NULL;
  g_autoptr(GBytes) token = NULL;

  g_return_val_if_fail (PD_IS_DEVICE (device), NULL);

  if (username == NULL || *username == '\0')
    return NULL;
  id = secret_id (device, username);
  token = pd_secrets_lookup (PD_OFFICER_TOKEN_KIND, id, cancellable, error);
  if (token == NULL || g_bytes_get_size (token) == 0)
    return NULL;
  return g_strndup (g_bytes_get_data (token, NULL), g_bytes_get_size (token));
}

/* The token of @self's last online sign-in at @device, kept in the keyring, as the token
 * acceptances carry; and as the requests' token while the session is online. */
static gboolean
load_token (PdOfficer     *self,
            PdDevice      *device,
            GCancellable  *cancellable,
            GError       **error)
{
  GError *local_error = NULL;
  g_autofree char *token = pd_officer_lookup_acceptance_token (device, self->username, cancellable,
                                                               &local_error);

  if (local_error)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->acceptance_token, g_free);
  if (token == NULL)
    return TRUE;
  self->acceptance_token = g_steal_pointer (&token);
  if (!self->offline)
    self->token = g_strdup (self->acceptance_token);
  return TRUE;
}

static JsonNode *
officer_to_json (PdOfficer *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, self->username);
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, self->display_name);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, pd_role_to_string (self->role));
  json_builder_set_member_name (builder, "office_code");
  json_builder_add_string_value (builder, self->office_code);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, self->expires_at);
  json_builder_set_member_name (builder, "offline");
  json_builder_add_boolean_value (builder, self->offline);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static PdOfficer *
officer_from_json (const char *text,
                   gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(PdOfficer) self = NULL;
  JsonNode *root;
  JsonObject *object;

  if (text == NULL || !json_parser_load_from_data (parser, text, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);

  self = g_object_new (PD_TYPE_OFFICER, NULL);
  self->username = g_strdup (pd_sync_json_string (object, "username"));
  self->display_name = g_strdup (pd_sync_json_string (object, "display_name"));
  self->role = pd_role_from_string (pd_sync_json_string (object, "role"));
  self->office_code = g_strdup (pd_sync_json_string (object, "office_code"));
  self->expires_at = pd_sync_json_int_or (object, "expires_at", 0);
  self->offline = pd_sync_json_boolean (object, "offline", FALSE);
  if (self->username == NULL || self->role == PD_ROLE_NONE)
    return NULL;
  return g_steal_pointer (&self);
}

static gboolean
save_session (PdStore    *store,
              PdOfficer  *self,
              GError    **error)
{
  g_autoptr(JsonNode) node = officer_to_json (self);
  g_autofree char *text = json_to_string (node, FALSE);

  /* Signed: one edit of the file would otherwise make anyone a supervisor for ever. */
  return pd_store_set_signed_setting (store, PD_OFFICER_SETTING_SESSION, text, error) &&
         pd_store_audit (store, self->username, "sign-in", NULL,
                         self->offline ? "offline" : "online", error);
}

/* Offline failures ----------------------------------------------------------------------- */

/* The failure times live in the keyring, not in the store: deleting a row of the file
 * would otherwise give five more guesses. */
#define PD_OFFICER_FAILURES_KIND "officer-failures"

/* The failure times of the last window, oldest first. */
static GArray *
recent_failures (PdDevice   *device,
                 const char *username,
                 gint64      now)
{
  g_autofree char *id = secret_id (device, username);
  g_autoptr(GBytes) stored = pd_secrets_lookup (PD_OFFICER_FAILURES_KIND, id, NULL, NULL);
  g_autofree char *text = stored ? g_strndup (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored)) : NULL;
  g_auto(GStrv) parts = g_strsplit (text ? text : "", " ", -1);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; parts[i]; i++)
    {
      gint64 at = g_ascii_strtoll (parts[i], NULL, 10);

      if (at > now - PD_OFFICER_FAILURE_WINDOW && at <= now)
        g_array_append_val (times, at);
    }
  return times;
}

static gboolean
save_failures (PdDevice   *device,
               const char *username,
               GArray     *times,
               GError    **error)
{
  g_autofree char *id = secret_id (device, username);
  g_autoptr(GString) text = g_string_new (NULL);

  if (times->len == 0)
    return pd_secrets_clear (PD_OFFICER_FAILURES_KIND, id, NULL, error);
  for (guint i = 0; i < times->len; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i ? " " : "", g_array_index (times, gint64, i));
  return pd_secrets_store (PD_OFFICER_FAILURES_KIND, id, _("Passdesk offline sign-in failures"),
                           (const guint8 *) text->str, text->len, NULL, error);
}

PdOfficer *
pd_officer_sign_in_offline (PdStore       *store,
                            PdDevice      *device,
                            const char    *username,
                            const char    *password,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autofree char *id = secret_id (device, username);
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GArray) failures = NULL;
  g_autoptr(PdOfficer) self = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object = NULL;
  const char *verifier = NULL;
  gint64 now = now_seconds ();

  failures = recent_failures (device, username, now);
  if (failures->len >= PD_OFFICER_MAX_FAILURES)
    {
      gint64 wait = g_array_index (failures, gint64, failures->len - PD_OFFICER_MAX_FAILURES)
                    + PD_OFFICER_FAILURE_WINDOW - now;

      pd_store_audit (store, username, "sign-in-blocked", NULL, "offline", NULL);
      g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RATE_LIMITED,
                   _("Too many wrong passwords. Wait %d seconds, then try again."),
                   (int) MAX (wait, 1));
      return NULL;
    }

  stored = pd_secrets_lookup (PD_OFFICER_VERIFIER_KIND, id, cancellable, error);
  if (stored == NULL)
    {
      if (error && *error == NULL)
        g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                     _("The central system cannot be reached and “%s” never signed in on this "
                       "station before. Connect to the network to sign in the first time."),
                     username);
      return NULL;
    }
  if (json_parser_load_from_data (parser, g_bytes_get_data (stored, NULL), g_bytes_get_size (stored), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      object = json_node_get_object (json_parser_get_root (parser));
      verifier = pd_sync_json_string (object, "verifier");
    }
  if (verifier == NULL)
    {
      g_set_error_literal (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                           _("The saved sign-in of this officer is damaged. Connect to the "
                             "network and sign in again."));
      return NULL;
    }

  if (crypto_pwhash_str_verify (verifier, password, strlen (password)) != 0)
    {
      g_array_append_val (failures, now);
      save_failures (device, username, failures, NULL);
      pd_store_audit (store, username, "sign-in-failed", NULL, "offline", NULL);
      g_set_error_literal (error, PD_SYNC_ERROR, PD_SYNC_ERROR_BAD_CREDENTIALS,
                           _("Wrong user name or password. Check them and sign in again."));
      return NULL;
    }

  self = g_object_new (PD_TYPE_OFFICER, NULL);
  self->username = g_strdup (username);
  self->display_name = g_strdup (pd_sync_json_string_or (object, "display_name", username));
  self->role = pd_role_from_string (pd_sync_json_string (object, "role"));
  self->office_code = g_strdup (pd_sync_json_string (object, "office_code"));
  self->expires_at = now + PD_OFFICER_OFFLINE_SESSION;
  self->offline = TRUE;

  g_array_set_size (failures, 0);
  /* The token of the last online sign-in stays: requests go without it (it may have expired),
   * but the applications accepted on this trip carry it, and the central system believes
   * who accepted them from it (sync-protocol.md, "Authorization"). */
  if (!save_failures (device, username, failures, error) ||
      !load_token (self, device, cancellable, error) ||
      !save_session (store, self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* The sign-in answer ------------------------------------------------------------------------ */

void
pd_officer_reply_clear (PdOfficerReply *reply)
{
  g_clear_pointer (&reply->username, g_free);
  g_clear_pointer (&reply->display_name, g_free);
  g_clear_pointer (&reply->office_code, g_free);
  if (reply->token)
    sodium_memzero (reply->token, strlen (reply->token));
  g_clear_pointer (&reply->token, g_free);
  reply->role = PD_ROLE_NONE;
  reply->expires_at = 0;
}

/* The token goes back in a header: only the characters of RFC 6750's b64token. */
static gboolean
token_ok (const char *token)
{
  gsize length = token ? strlen (token) : 0;

  if (length < PD_OFFICER_MIN_TOKEN_BYTES || length > PD_OFFICER_MAX_TOKEN_BYTES)
    return FALSE;
  for (const char *p = token; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~+/=", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
office_code_ok (const char *code)
{
  if (!pd_sync_text_ok (code, PD_OFFICER_MAX_OFFICE_BYTES))
    return FALSE;
  for (const char *p = code; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
bad_reply (GError    **error,
           const char *member)
{
  g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
               _("The central system's answer to the sign-in is not usable (%s). Try again; if "
                 "this persists, call the support desk."), member);
  return FALSE;
}

gboolean
pd_officer_sign_in_parse_reply_node (JsonNode        *body,
                                     PdOfficerReply  *reply,
                                     GError         **error)
{
  JsonObject *root;
  JsonObject *officer;
  JsonNode *display_name;
  const char *text;
  gint64 expires_at;

  g_return_val_if_fail (reply != NULL, FALSE);

  pd_officer_reply_clear (reply);
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return bad_reply (error, "not a JSON object");
  root = json_node_get_object (body);

  text = pd_sync_json_string (root, "token");
  if (!token_ok (text))
    return bad_reply (error, "token");
  /* Without an end the session would never expire on this station. */
  if (!pd_sync_json_int (root, "expires_at", &expires_at) || expires_at <= 0)
    return bad_reply (error, "expires_at");
  officer = pd_sync_json_object (root, "officer");
  if (officer == NULL)
    return bad_reply (error, "officer");
  if (!pd_sync_text_ok (pd_sync_json_string (officer, "username"), PD_OFFICER_MAX_USERNAME_BYTES))
    return bad_reply (error, "officer.username");
  display_name = json_object_get_member (officer, "display_name");
  if (display_name != NULL && !JSON_NODE_HOLDS_NULL (display_name) &&
      !pd_sync_text_ok (pd_sync_json_string (officer, "display_name"), PD_OFFICER_MAX_NAME_BYTES))
    return bad_reply (error, "officer.display_name");
  if (!office_code_ok (pd_sync_json_string (officer, "office_code")))
    return bad_reply (error, "officer.office_code");
  if (pd_role_from_string (pd_sync_json_string (officer, "role")) == PD_ROLE_NONE)
    {
      g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FORBIDDEN_ROLE,
                   _("The central system gave “%s” a role this version of Passdesk does not "
                     "know. Update Passdesk, or ask your administrator."),
                   pd_sync_json_string (officer, "username"));
      return FALSE;
    }

  /* Filled only once all of it was read: a refused answer leaves @reply empty. */
  reply->expires_at = expires_at;
  reply->token = g_strdup (pd_sync_json_string (root, "token"));
  reply->username = g_strdup (pd_sync_json_string (officer, "username"));
  reply->display_name = g_strdup (pd_sync_json_string_or (officer, "display_name", reply->username));
  reply->role = pd_role_from_string (pd_sync_json_string (officer, "role"));
  reply->office_code = g_strdup (pd_sync_json_string (officer, "office_code"));
  return TRUE;
}

gboolean
pd_officer_sign_in_parse_reply (const char      *json,
                                gsize            length,
                                PdOfficerReply  *reply,
                                GError         **error)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_val_if_fail (reply != NULL, FALSE);

  /* As PdSyncClient reads every answer. */
  pd_officer_reply_clear (reply);
  body = json ? pd_json_parse (json, length, NULL) : NULL;
  return pd_officer_sign_in_parse_reply_node (body, reply, error);
}

/* Online ---------------------------------------------------------------------------------- */

typedef struct {
  PdStore      *store;
  PdDevice     *device;
  PdSyncClient *client;
  char         *username;
  char         *password;   /* sodium_malloc'ed */
  PdSyncReply  *reply;
  GError       *network_error;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_object (&sign_in->store);
  g_clear_object (&sign_in->device);
  g_clear_object (&sign_in->client);
  g_free (sign_in->username);
  if (sign_in->password)
    sodium_free (sign_in->password);
  g_clear_pointer (&sign_in->reply, pd_sync_reply_free);
  g_clear_error (&sign_in->network_error);
  g_free (sign_in);
}

static PdOfficer *
sign_in_online (SignIn        *sign_in,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(PdOfficer) self = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *id = secret_id (sign_in->device, sign_in->username);
  g_autofree char *saved = NULL;
  char verifier[crypto_pwhash_STRBYTES];
  PdOfficerReply reply = { 0 };
  const char *token;

  /* Everything is read and checked before the keyring or the store is touched. */
  if (!pd_officer_sign_in_parse_reply_node (sign_in->reply->body, &reply, error))
    return NULL;
  /* The token and the verifier are kept under the name that was asked for. */
  if (g_strcmp0 (reply.username, sign_in->username) != 0)
    {
      pd_officer_reply_clear (&reply);
      bad_reply (error, "officer.username");
      return NULL;
    }

  self = g_object_new (PD_TYPE_OFFICER, NULL);
  self->username = g_steal_pointer (&reply.username);
  self->display_name = g_steal_pointer (&reply.display_name);
  self->role = reply.role;
  self->office_code = g_steal_pointer (&reply.office_code);
  self->expires_at = reply.expires_at;
  self->token = g_steal_pointer (&reply.token);
  self->acceptance_token = g_strdup (self->token);
  pd_officer_reply_clear (&reply);
  token = self->token;

  if (crypto_pwhash_str (verifier, sign_in->password, strlen (sign_in->password),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                           _("Not enough memory to protect the password for offline sign-in. "
                             "Close other programs and sign in again."));
      return NULL;
    }

  /* The role travels with the verifier, so that an offline sign-in grants what the central
   * system granted. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "verifier");
  json_builder_add_string_value (builder, verifier);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, pd_role_to_string (self->role));
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, self->display_name);
  json_builder_set_member_name (builder, "office_code");
  json_builder_add_string_value (builder, self->office_code);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  saved = json_to_string (node, FALSE);

  if (!pd_secrets_store (PD_OFFICER_VERIFIER_KIND, id, _("Passdesk offline sign-in"),
                         (const guint8 *) saved, strlen (saved), cancellable, error) ||
      !pd_secrets_store (PD_OFFICER_TOKEN_KIND, id, _("Passdesk session"),
                         (const guint8 *) token, strlen (token), cancellable, error) ||
      !save_session (sign_in->store, self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
sign_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SignIn *sign_in = task_data;
  GError *error = NULL;
  PdOfficer *officer;

  if (sign_in->reply != NULL)
    {
      if (!pd_sync_reply_check (sign_in->reply, &error))
        {
          if (g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_BAD_CREDENTIALS))
            pd_store_audit (sign_in->store, sign_in->username, "sign-in-failed", NULL, "online", NULL);
          g_task_return_error (task, error);
          return;
        }
      officer = sign_in_online (sign_in, cancellable, &error);
    }
  else
    officer = pd_officer_sign_in_offline (sign_in->store, sign_in->device, sign_in->username,
                                          sign_in->password, cancellable, &error);

  if (officer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, officer, g_object_unref);
}

static void
on_sessions_reply (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;

  sign_in->reply = pd_sync_client_request_finish (PD_SYNC_CLIENT (object), result, &error);
  if (sign_in->reply == NULL && !g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY))
    {
      g_task_return_error (task, error);
      return;
    }
  g_clear_error (&error);
  g_task_run_in_thread (task, sign_in_thread);
}

void
pd_officer_sign_in_async (PdStore             *store,
                          PdDevice            *device,
                          const char          *username,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *nonce_hex = NULL;
  guint8 nonce[16];
  gsize length;
  SignIn *sign_in;
  GError *error = NULL;

  g_return_if_fail (PD_IS_STORE (store));
  g_return_if_fail (PD_IS_DEVICE (device));
  g_return_if_fail (username != NULL && password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_officer_sign_in_async);
  sign_in = g_new0 (SignIn, 1);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  sign_in->store = g_object_ref (store);
  sign_in->device = g_object_ref (device);
  sign_in->username = g_strdup (username);
  length = strlen (password);
  sign_in->password = sodium_malloc (length + 1);
  g_assert (sign_in->password != NULL);
  memcpy (sign_in->password, password, length + 1);

  sign_in->client = pd_device_create_client (device, NULL, &error);
  if (sign_in->client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  /* The central system refuses a signed sign-in it has seen before (a replay); an officer who
   * signs in twice within a second sends two different requests all the same. */
  randombytes_buf (nonce, sizeof nonce);
  nonce_hex = g_malloc (sizeof nonce * 2 + 1);
  sodium_bin2hex (nonce_hex, sizeof nonce * 2 + 1, nonce, sizeof nonce);
  json_builder_set_member_name (builder, "nonce");
  json_builder_add_string_value (builder, nonce_hex);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = pd_sync_json_to_bytes (root);

  pd_sync_client_request_async (sign_in->client, "POST", "/v1/sessions", body, cancellable,
                                on_sessions_reply, g_steal_pointer (&task));
}

PdOfficer *
pd_officer_sign_in_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

PdOfficer *
pd_officer_get_current (PdStore       *store,
                        PdDevice      *device,
                        GCancellable  *cancellable,
                        GError       **error)
{
  gboolean altered = FALSE;
  g_autofree char *text = pd_store_get_signed_setting (store, PD_OFFICER_SETTING_SESSION, &altered);
  g_autoptr(PdOfficer) self = text ? officer_from_json (text, strlen (text)) : NULL;

  /* A forged session signs nobody in; audit verify names it. */
  if (altered)
    g_message ("The officer's session in the store was altered outside Passdesk; ignored");
  if (self == NULL || (self->expires_at != 0 && self->expires_at <= now_seconds ()))
    return NULL;
  if (device == NULL)
    return g_steal_pointer (&self);
  if (!load_token (self, device, cancellable, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
pd_officer_sign_out (PdStore  *store,
                     GError  **error)
{
  g_autofree char *text = pd_store_get_signed_setting (store, PD_OFFICER_SETTING_SESSION, NULL);
  g_autoptr(PdOfficer) self = text ? officer_from_json (text, strlen (text)) : NULL;

  if (!pd_store_set_signed_setting (store, PD_OFFICER_SETTING_SESSION, NULL, error))
    return FALSE;
  return self == NULL || pd_store_audit (store, self->username, "sign-out", NULL, NULL, error);
}
