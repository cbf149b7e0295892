/* pd-sync-client.c: signed HTTP requests to the central system, on libsoup. */
#define G_LOG_DOMAIN "pd-sync-client"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "pd-packet.h"
#include "pd-sync-client.h"
#include "pd-json.h"
#include "pd-sync-json-private.h"

/* Four pushes in flight plus a pull. */
#define MAX_CONNECTIONS  6
#define TIMEOUT_SECONDS  60
#define READ_CHUNK       (64 * 1024)

struct _PdSyncClient
{
  GObject       parent_instance;

  char         *server_url;     /* without a final slash */
  char         *ca_file;
  GTlsDatabase *ca_database;
  SoupSession  *session;
  char         *device_id;
  GBytes       *secret_key;
  char         *token;
  gint64        clock_offset;
  guint         deadline;       /* seconds for a whole request, answer included */
};

G_DEFINE_FINAL_TYPE (PdSyncClient, pd_sync_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (pd-sync-error-quark, pd_sync_error)

void
pd_sync_reply_free (PdSyncReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->body, json_node_unref);
  g_free (reply->error_code);
  g_free (reply->error_message);
  g_free (reply);
}

GBytes *
pd_sync_json_to_bytes (JsonNode *node)
{
  gsize length;
  char *text = json_to_string (node, FALSE);

  length = strlen (text);
  return g_bytes_new_take (text, length);
}

gboolean
pd_sync_status_is_final (guint status)
{
  switch (status)
    {
    case 400: case 401: case 403: case 404: case 409: case 410: case 413: case 422:
      return TRUE;
    default:
      /* 408, 425, 429, 5xx and anything the protocol does not name: try again later. */
      return FALSE;
    }
}

gboolean
pd_sync_reply_check (PdSyncReply  *reply,
                     GError      **error)
{
  const char *message = reply->error_message ? reply->error_message : "";

  if (reply->status >= 200 && reply->status < 300)
    {
      if (reply->body != NULL && JSON_NODE_HOLDS_OBJECT (reply->body))
        return TRUE;
      g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                   _("The central system sent an answer Passdesk cannot read (HTTP %u). "
                     "It will try again later; if this persists, call the support desk."),
                   reply->status);
      return FALSE;
    }

  if (g_strcmp0 (reply->error_code, "bad_credentials") == 0)
    g_set_error_literal (error, PD_SYNC_ERROR, PD_SYNC_ERROR_BAD_CREDENTIALS,
                         _("Wrong user name or password. Check them and sign in again."));
  else if (g_strcmp0 (reply->error_code, "rate_limited") == 0)
    g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RATE_LIMITED,
                 _("Too many attempts. Wait %d seconds, then try again."),
                 (int) MAX (reply->retry_after, 1));
  else if (g_strcmp0 (reply->error_code, "forbidden_role") == 0)
    g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FORBIDDEN_ROLE,
                 _("Your role may not do this (%s). Ask an officer or a supervisor."), message);
  else if (g_strcmp0 (reply->error_code, "unknown_device") == 0)
    g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_REFUSED,
                 _("The central system does not know this station (%s). Enroll it again with "
                   "a new enrollment code from your administrator."), message);
  else if (g_strcmp0 (reply->error_code, "stale_request") == 0)
    g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_REFUSED,
                 _("This computer's clock is wrong (%s). Set the date and time, then sync again."),
                 message);
  else if (g_strcmp0 (reply->error_code, "bad_enrollment_code") == 0)
    g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_REFUSED,
                 _("The enrollment code is wrong or was already used (%s). Ask your "
                   "administrator for a new one."), message);
  else if (pd_sync_status_is_final (reply->status))
    g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_REFUSED,
                 _("The central system refused the request (HTTP %u, %s: %s). Call the "
                   "support desk with this message."),
                 reply->status, reply->error_code ? reply->error_code : "?", message);
  else
    g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                 _("The central system is busy or unavailable (HTTP %u). Passdesk will try "
                   "again later."), reply->status);
  return FALSE;
}

static void
pd_sync_client_finalize (GObject *object)
{
  PdSyncClient *self = (PdSyncClient *)object;

  if (self->session)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->ca_database);
  g_clear_pointer (&self->secret_key, g_bytes_unref);
  g_free (self->server_url);
  g_free (self->ca_file);
  g_free (self->device_id);
  g_free (self->token);

  G_OBJECT_CLASS (pd_sync_client_parent_class)->finalize (object);
}

static void
pd_sync_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PdSyncClient *self = PD_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_sync_client_class_init (PdSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_sync_client_finalize;
  object_class->get_property = pd_sync_client_get_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pd_sync_client_init (PdSyncClient *self)
{
  self->deadline = PD_SYNC_DEFAULT_DEADLINE;
}

gboolean
pd_sync_url_is_safe (const char *server_url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *scheme;
  const char *host;

  g_return_val_if_fail (server_url != NULL, FALSE);

  uri = g_uri_parse (server_url, SOUP_HTTP_URI_FLAGS, NULL);
  host = uri ? g_uri_get_host (uri) : NULL;
  if (host == NULL || *host == '\0')
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  if (g_strcmp0 (scheme, "https") == 0)
    return TRUE;
  if (g_strcmp0 (scheme, "http") != 0)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

PdSyncClient *
pd_sync_client_new (const char  *server_url,
                    const char  *ca_file,
                    GError     **error)
{
  g_autoptr(PdSyncClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  g_return_val_if_fail (server_url != NULL, NULL);

  uri = g_uri_parse (server_url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0) ||
      g_uri_get_query (uri) != NULL)
    {
      g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_REFUSED,
                   _("“%s” is not a server address. Give one like https://central.example.vn."),
                   server_url);
      return NULL;
    }

  self = g_object_new (PD_TYPE_SYNC_CLIENT, NULL);
  self->server_url = g_strdup (server_url);
  while (g_str_has_suffix (self->server_url, "/"))
    self->server_url[strlen (self->server_url) - 1] = '\0';

  if (ca_file != NULL && *ca_file != '\0')
    {
      g_autoptr(GError) local_error = NULL;

      self->ca_database = g_tls_file_database_new (ca_file, &local_error);
      if (self->ca_database == NULL)
        {
          g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_TLS,
                       _("Cannot read the certificate authority file “%s”: %s. Check the "
                         "file in the sync settings."), ca_file, local_error->message);
          return NULL;
        }
      self->ca_file = g_strdup (ca_file);
    }

  self->session = soup_session_new_with_options ("max-conns", MAX_CONNECTIONS,
                                                 "max-conns-per-host", MAX_CONNECTIONS,
                                                 "timeout", TIMEOUT_SECONDS,
                                                 "idle-timeout", TIMEOUT_SECONDS,
                                                 "user-agent", "Passdesk/" PACKAGE_VERSION " ",
                                                 NULL);
  return g_steal_pointer (&self);
}

const char *
pd_sync_client_get_server_url (PdSyncClient *self)
{
  g_return_val_if_fail (PD_IS_SYNC_CLIENT (self), NULL);
  return self->server_url;
}

void
pd_sync_client_set_device (PdSyncClient *self,
                           const char   *device_id,
                           GBytes       *secret_key)
{
  g_return_if_fail (PD_IS_SYNC_CLIENT (self));
  g_return_if_fail (secret_key == NULL || g_bytes_get_size (secret_key) == PD_PACKET_SECRET_KEY_BYTES);

  g_free (self->device_id);
  self->device_id = g_strdup (device_id);
  g_clear_pointer (&self->secret_key, g_bytes_unref);
  if (secret_key)
    self->secret_key = g_bytes_ref (secret_key);
}

void
pd_sync_client_set_token (PdSyncClient *self,
                          const char   *token)
{
  g_return_if_fail (PD_IS_SYNC_CLIENT (self));
  g_free (self->token);
  self->token = g_strdup (token);
}

void
pd_sync_client_set_clock_offset (PdSyncClient *self,
                                 gint64        offset)
{
  g_return_if_fail (PD_IS_SYNC_CLIENT (self));
  self->clock_offset = offset;
}

gint64
pd_sync_client_get_clock_offset (PdSyncClient *self)
{
  g_return_val_if_fail (PD_IS_SYNC_CLIENT (self), 0);
  return self->clock_offset;
}

void
pd_sync_client_set_deadline (PdSyncClient *self,
                             guint         seconds)
{
  g_return_if_fail (PD_IS_SYNC_CLIENT (self));
  g_return_if_fail (seconds > 0);
  self->deadline = seconds;
}

guint
pd_sync_client_get_deadline (PdSyncClient *self)
{
  g_return_val_if_fail (PD_IS_SYNC_CLIENT (self), 0);
  return self->deadline;
}

/* The system's authorities already said no; the configured CA file may still vouch for
 * the certificate (a central server with its own authority). */
static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  PdSyncClient *self = user_data;
  g_autoptr(GSocketConnectable) identity = NULL;
  GUri *uri = soup_message_get_uri (message);
  GTlsCertificateFlags flags;

  if (self->ca_database == NULL)
    return FALSE;

  identity = g_network_address_new (g_uri_get_host (uri), g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 443);
  flags = g_tls_database_verify_chain (self->ca_database, certificate,
                                       G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                       identity, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);
  return flags == 0;
}

/* One request in flight: the message, what has been read of the answer, and the deadline. */
typedef struct {
  SoupMessage  *message;
  GCancellable *cancellable;      /* cancelled by the caller's or by the deadline */
  GCancellable *caller;
  gulong        caller_handler;
  GSource      *deadline;
  guint         deadline_seconds;
  gboolean      timed_out;
  GInputStream *stream;
  GByteArray   *body;
} Request;

static void
request_free (Request *request)
{
  if (request->deadline)
    {
      g_source_destroy (request->deadline);
      g_source_unref (request->deadline);
    }
  /* Not g_cancellable_disconnect(): the answer may complete inside the caller's "cancelled"
   * emission, where that call would wait for itself. Clients are single-threaded. */
  if (request->caller_handler != 0)
    g_signal_handler_disconnect (request->caller, request->caller_handler);
  g_clear_object (&request->caller);
  g_clear_object (&request->message);
  g_clear_object (&request->cancellable);
  if (request->stream)
    g_input_stream_close (request->stream, NULL, NULL);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_free (request);
}

static void
on_caller_cancelled (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
on_deadline (gpointer user_data)
{
  Request *request = user_data;

  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);
  return G_SOURCE_REMOVE;
}

/* Retry-After is seconds or an HTTP date; anything else, or a past date, counts as absent,
 * and a hostile or mistaken value cannot park the station for longer than the cap. */
static gint64
parse_retry_after (const char *value)
{
  guint64 seconds;

  if (value == NULL)
    return 0;
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &seconds, NULL))
    return (gint64) MIN (seconds, (guint64) PD_SYNC_MAX_RETRY_AFTER);
  {
    g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
    gint64 delta;

    if (when == NULL)
      return 0;
    delta = g_date_time_to_unix (when) - g_get_real_time () / G_USEC_PER_SEC;
    return CLAMP (delta, 0, PD_SYNC_MAX_RETRY_AFTER);
  }
}

static void
request_return_error (GTask  *task,
                      GError *error)
{
  Request *request = g_task_get_task_data (task);

  if (request->timed_out)
    {
      g_task_return_new_error (task, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                               _("The central system did not answer within %u seconds. Passdesk "
                                 "will try again later."), request->deadline_seconds);
      g_error_free (error);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
           error->domain == PD_SYNC_ERROR)
    g_task_return_error (task, error);
  else if (error->domain == G_TLS_ERROR)
    {
      g_task_return_new_error (task, PD_SYNC_ERROR, PD_SYNC_ERROR_TLS,
                               _("The central server's certificate cannot be trusted (%s), so "
                                 "nothing was sent. Check the server address, or ask your "
                                 "administrator for the certificate authority file."),
                               error->message);
      g_error_free (error);
    }
  else
    {
      g_task_return_new_error (task, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                               _("Cannot reach the central system (%s). Passdesk will try "
                                 "again when the network is back."),
                               error->message);
      g_error_free (error);
    }
}

static GError *
too_large_error (void)
{
  return g_error_new (PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                      _("The central system sent an answer larger than %d MiB, which the "
                        "protocol does not allow. Passdesk will try again later; if this "
                        "persists, call the support desk."),
                      PD_SYNC_MAX_REPLY_BYTES / (1024 * 1024));
}

static void
request_complete (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  SoupMessage *message = request->message;
  PdSyncReply *reply;

  reply = g_new0 (PdSyncReply, 1);
  reply->status = soup_message_get_status (message);
  reply->retry_after = parse_retry_after (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                                        "Retry-After"));
  if (request->body->len > 0)
    reply->body = pd_json_parse ((const char *) request->body->data, request->body->len, NULL);
  if (reply->body != NULL && JSON_NODE_HOLDS_OBJECT (reply->body) && reply->status >= 300)
    {
      JsonObject *err = pd_sync_json_object (json_node_get_object (reply->body), "error");

      reply->error_code = g_strdup (pd_sync_json_string (err, "code"));
      reply->error_message = g_strdup (pd_sync_json_string (err, "message"));
    }

  g_task_return_pointer (task, reply, (GDestroyNotify) pd_sync_reply_free);
}

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      request_return_error (task, error);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      request_complete (task);
      return;
    }
  /* The cap holds whatever the headers said, e.g. for a chunked answer. */
  if (request->body->len + g_bytes_get_size (chunk) > PD_SYNC_MAX_REPLY_BYTES)
    {
      request_return_error (task, too_large_error ());
      return;
    }
  g_byte_array_append (request->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (request->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   request->cancellable, on_read, g_steal_pointer (&task));
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->stream == NULL)
    {
      request_return_error (task, error);
      return;
    }
  headers = soup_message_get_response_headers (request->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > PD_SYNC_MAX_REPLY_BYTES)
    {
      request_return_error (task, too_large_error ());
      return;
    }
  request->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (request->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   request->cancellable, on_read, g_steal_pointer (&task));
}

void
pd_sync_client_request_async (PdSyncClient        *self,
                              const char          *method,
                              const char          *path_and_query,
                              GBytes              *body,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *url = NULL;
  g_autofree char *sent = NULL;
  SoupMessage *message;
  SoupMessageHeaders *headers;
  Request *request;

  g_return_if_fail (PD_IS_SYNC_CLIENT (self));
  g_return_if_fail (g_str_has_prefix (path_and_query, "/v1/"));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_sync_client_request_async);

  url = g_strconcat (self->server_url, path_and_query, NULL);
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      g_task_return_new_error (task, PD_SYNC_ERROR, PD_SYNC_ERROR_REFUSED,
                               _("“%s” is not a server address. Give one like https://central.example.vn."),
                               self->server_url);
      return;
    }
  message = soup_message_new_from_uri (method, uri);
  request = g_new0 (Request, 1);
  request->message = message;
  request->cancellable = g_cancellable_new ();
  request->deadline_seconds = self->deadline;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  g_signal_connect_object (message, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);
  headers = soup_message_get_request_headers (message);

  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json", body);
  soup_message_headers_replace (headers, "Accept", "application/json");

  /* Sign exactly what goes on the request line. */
  {
    GUri *final = soup_message_get_uri (message);

    sent = g_uri_get_query (final) ? g_strconcat (g_uri_get_path (final), "?", g_uri_get_query (final), NULL)
                                   : g_strdup (g_uri_get_path (final));
  }
  if (self->device_id != NULL && self->secret_key != NULL)
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC + self->clock_offset;
      g_autofree char *time_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
      g_autofree char *signature = NULL;
      gsize length = 0;
      const void *data = body ? g_bytes_get_data (body, &length) : NULL;

      signature = pd_request_sign (method, sent, now, data, length,
                                   g_bytes_get_data (self->secret_key, NULL));
      soup_message_headers_replace (headers, "X-Passdesk-Device", self->device_id);
      soup_message_headers_replace (headers, "X-Passdesk-Time", time_text);
      soup_message_headers_replace (headers, "X-Passdesk-Signature", signature);
    }
  if (self->token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", bearer);
    }

  if (cancellable != NULL)
    {
      request->caller = g_object_ref (cancellable);
      request->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                       g_object_ref (request->cancellable),
                                                       g_object_unref);
    }
  /* libsoup's own timeout is per read: an answer dribbled a byte at a time never trips it. */
  request->deadline = g_timeout_source_new_seconds (self->deadline);
  g_source_set_callback (request->deadline, on_deadline, request, NULL);
  g_source_attach (request->deadline, g_main_context_get_thread_default ());

  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT, request->cancellable,
                           on_sent, g_steal_pointer (&task));
}

PdSyncReply *
pd_sync_client_request_finish (PdSyncClient  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
