/* test-central.c: the real passdesk-central binary on loopback, spoken to over HTTP(S) with
 * libsoup and the core's packet code, as a station would. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sodium.h>
#include <sqlite3.h>

#include "pd-dossier.h"
#include "pd-test-support.h"
#include "sync/pd-packet.h"
#include "sync-test-central.h"

#define N_DECLARATIONS 7

typedef struct {
  GSubprocess *process;
  GThread     *stderr_reader; /* the server's stderr to the test's, scanned for sanitizer reports */
  char        *url;        /* "http://127.0.0.1:PORT/" */
  char        *db;
} Server;

typedef struct {
  char   *device_id;
  char   *token;        /* officer1's, from an online sign-in there; NULL if none */
  guint8  public_key[PD_PACKET_PUBLIC_KEY_BYTES];
  guint8  secret_key[PD_PACKET_SECRET_KEY_BYTES];
  guint8  box_key[PD_PACKET_BOX_KEY_BYTES];
} Station;

typedef struct {
  guint     status;
  GBytes   *body;
  JsonNode *json;          /* NULL when the body is not JSON */
  char     *retry_after;
} Reply;

static SoupSession *session;
static Server *shared;         /* seeded, plain HTTP, no faults */
static char *tmpdir;

/* Helpers ---------------------------------------------------------------------------------- */

static const char *
central_path (void)
{
  const char *path = g_getenv ("PASSDESK_CENTRAL");

  g_assert_nonnull (path);
  return path;
}

/* Runs a passdesk-central subcommand; returns its exit status. */
static int
run_central (char       **out,
             const char  *first,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *ignored = NULL;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) central_path ());
  va_start (args, first);
  for (const char *arg = first; arg; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* Standard output always captured: it must not mix with the test's TAP output. */
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out ? out : &ignored, &err,
                &status, &error);
  g_assert_no_error (error);
  if (err && *err)
    g_test_message ("stderr: %s", err);
  /* A sanitizer's report fails the test, whatever the exit status. */
  g_assert_null (strstr (err ? err : "", "ERROR: AddressSanitizer"));
  g_assert_null (strstr (err ? err : "", "ERROR: LeakSanitizer"));
  g_assert_null (strstr (err ? err : "", "runtime error:"));
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* A server outlives a test that aborts unless it is told to follow its parent. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static Server *
server_start_args (const char         *db,
                   const char * const *extra)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *line = NULL;
  Server *server = g_new0 (Server, 1);

  g_ptr_array_add (argv, (char *) central_path ());
  g_ptr_array_add (argv, (char *) "serve");
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) db);
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  for (guint i = 0; extra && extra[i]; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);

  server->db = g_strdup (db);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  server->stderr_reader = sync_central_watch_stderr (server->process);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http"));
  server->url = g_strdup (line + strlen ("listening on "));
  g_assert_true (g_str_has_suffix (server->url, "/"));
  return server;
}

static Server *
server_start (const char *db,
              const char *first_extra,
              ...)
{
  g_autoptr(GPtrArray) extra = g_ptr_array_new ();
  va_list args;

  va_start (args, first_extra);
  for (const char *arg = first_extra; arg; arg = va_arg (args, const char *))
    g_ptr_array_add (extra, (char *) arg);
  va_end (args);
  g_ptr_array_add (extra, NULL);
  return server_start_args (db, (const char * const *) extra->pdata);
}

/* After the server ended (or was killed). */
static void
server_free (Server *server)
{
  sync_central_check_stderr (g_steal_pointer (&server->stderr_reader));
  g_clear_object (&server->process);
  g_free (server->url);
  g_free (server->db);
  g_free (server);
}

/* SIGTERM: the server must shut down cleanly, and quickly. */
static void
server_stop (Server *server)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (server->process));
  g_assert_cmpint (g_subprocess_get_exit_status (server->process), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  server_free (server);
}

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply->retry_after);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static SoupMessage *
message_new (Server     *server,
             const char *method,
             const char *path)
{
  g_autofree char *uri = g_strconcat (server->url, path + 1, NULL);
  SoupMessage *msg = soup_message_new (method, uri);

  g_assert_nonnull (msg);
  return msg;
}

static void
set_body (SoupMessage *msg,
          const char  *content_type,
          const void  *body,
          gsize        length)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, length);

  soup_message_set_request_body_from_bytes (msg, content_type, bytes);
}

static void
sign (SoupMessage   *msg,
      const Station *station,
      const char    *path,
      const void    *body,
      gsize          length,
      gint64         time_offset)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  gint64 time = g_get_real_time () / G_USEC_PER_SEC + time_offset;
  g_autofree char *time_text = g_strdup_printf ("%" G_GINT64_FORMAT, time);
  g_autofree char *signature = pd_request_sign (soup_message_get_method (msg), path, time, body, length,
                                                station->secret_key);

  soup_message_headers_replace (headers, "X-Passdesk-Device", station->device_id);
  soup_message_headers_replace (headers, "X-Passdesk-Time", time_text);
  soup_message_headers_replace (headers, "X-Passdesk-Signature", signature);
}

static Reply *
send_message (SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  Reply *reply = g_new0 (Reply, 1);
  gsize length;
  const char *data;

  reply->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->retry_after = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                               "Retry-After"));
  data = g_bytes_get_data (reply->body, &length);
  if (length > 0 && json_parser_load_from_data (parser, data, length, NULL))
    reply->json = json_node_ref (json_parser_get_root (parser));
  return reply;
}

/* A signed request from @station (NULL: unsigned). */
static Reply *
request (Server        *server,
         const Station *station,
         const char    *method,
         const char    *path,
         const char    *body)
{
  g_autoptr(SoupMessage) msg = message_new (server, method, path);
  gsize length = body ? strlen (body) : 0;

  if (body)
    set_body (msg, "application/json", body, length);
  if (station)
    sign (msg, station, path, body, length, 0);
  return send_message (msg);
}

static JsonObject *
reply_object (Reply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static void
assert_error (Reply      *reply,
              guint       status,
              const char *code)
{
  JsonObject *error;

  g_test_message ("%u %.*s", reply->status, (int) MIN (g_bytes_get_size (reply->body), 300),
                  (const char *) g_bytes_get_data (reply->body, NULL));
  g_assert_cmpuint (reply->status, ==, status);
  g_assert_true (json_object_has_member (reply_object (reply), "error"));
  error = json_object_get_object_member (reply_object (reply), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_true (strlen (json_object_get_string_member (error, "message")) > 10);
}

static void
decode_key (const char *text,
            guint8     *out,
            gsize       length)
{
  g_autoptr(GBytes) bytes = pd_base64url_decode (text, NULL);

  g_assert_nonnull (bytes);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, length);
  memcpy (out, g_bytes_get_data (bytes, NULL), length);
}

static char *
new_code_for_role (Server     *server,
                   const char *office,
                   const char *role)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_central (&out, "enroll-code", "--db", server->db, "--office", office, "--role", role, NULL),
                   ==, 0);
  g_strstrip (out);
  g_assert_cmpuint (strlen (out), ==, 9);
  return g_steal_pointer (&out);
}

static char *
new_code (Server     *server,
          const char *office)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_central (&out, "enroll-code", "--db", server->db, "--office", office, NULL), ==, 0);
  g_strstrip (out);
  g_assert_cmpuint (strlen (out), ==, 9);
  return g_steal_pointer (&out);
}

static Reply *
enroll_request (Server      *server,
                const char  *code,
                const guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES])
{
  g_autofree char *key = pd_base64url_encode (public_key, PD_PACKET_PUBLIC_KEY_BYTES);
  g_autofree char *body =
    g_strdup_printf ("{\"enrollment_code\": \"%s\", \"device_public_key\": \"%s\", \"name\": \"Quầy 3\"}",
                     code, key);

  return request (server, NULL, "POST", "/v1/devices", body);
}

/* A signed sign-in at @station's server. */
static Reply *
sign_in_at (Server        *server,
            const Station *station,
            const char    *username,
            const char    *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, password);

  return request (server, station, "POST", "/v1/sessions", body);
}

static Station *
station_enroll_role (Server     *server,
                     const char *office,
                     const char *role)
{
  g_autofree char *code = new_code_for_role (server, office, role);
  g_autoptr(Reply) reply = NULL;
  Station *station = g_new0 (Station, 1);
  JsonObject *object;

  pd_packet_make_sign_keys (station->public_key, station->secret_key);
  reply = enroll_request (server, code, station->public_key);
  g_assert_cmpuint (reply->status, ==, 201);
  object = reply_object (reply);
  station->device_id = g_strdup (json_object_get_string_member (object, "device_id"));
  decode_key (json_object_get_string_member (object, "central_box_public_key"), station->box_key,
              PD_PACKET_BOX_KEY_BYTES);
  return station;
}

/* A counter of @office; at HN01, officer1 signs in there online, and the packets the station
 * makes carry that token: the central system's proof that officer1 accepted them. */
static Station *
station_enroll (Server     *server,
                const char *office)
{
  Station *station = station_enroll_role (server, office, "counter");

  if (g_str_equal (office, "HN01"))
    {
      g_autoptr(Reply) reply = sign_in_at (server, station, "officer1", "officer1-demo");

      g_assert_cmpuint (reply->status, ==, 200);
      station->token = g_strdup (json_object_get_string_member (reply_object (reply), "token"));
    }
  return station;
}

static void
station_free (Station *station)
{
  g_free (station->device_id);
  g_free (station->token);
  g_free (station);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Station, station_free)

static JsonNode *
make_dossier_json (void)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Nguyễn Văn An", "001090000001");
  g_autofree char *uuid = g_uuid_string_random ();

  pd_dossier_set_uuid (dossier, uuid);
  return pd_dossier_to_json (dossier, TRUE);
}

/* A packet as @station makes it; @inner_packet_id differs from the packet's own id to make a
 * mismatch, and @dossier replaces the valid application. @accepted_by and @token (the proof of
 * who accepted) are left out when NULL. */
static PdPacket *
make_packet_with (const Station *station,
                  const char    *inner_packet_id,
                  JsonNode      *dossier,
                  const char    *accepted_by,
                  const char    *token,
                  gint64         accepted_at)
{
  g_autofree char *packet_id = g_uuid_string_random ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) inner = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "packet_id");
  json_builder_add_string_value (builder, inner_packet_id ? inner_packet_id : packet_id);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, station->device_id);
  json_builder_set_member_name (builder, "dossier");
  json_builder_add_value (builder, dossier ? dossier : make_dossier_json ());
  if (accepted_by != NULL)
    {
      json_builder_set_member_name (builder, "accepted_by");
      json_builder_add_string_value (builder, accepted_by);
    }
  json_builder_set_member_name (builder, "accepted_at");
  json_builder_add_int_value (builder, accepted_at);
  if (token != NULL)
    {
      json_builder_set_member_name (builder, "acceptance_token");
      json_builder_add_string_value (builder, token);
    }
  json_builder_end_object (builder);
  inner = json_builder_get_root (builder);
  text = json_to_string (inner, FALSE);

  return pd_packet_seal (packet_id, station->device_id, g_get_real_time () / G_USEC_PER_SEC,
                         PD_PACKET_KIND_DOSSIER, text, strlen (text), station->box_key, station->secret_key);
}

/* Accepted now, with the token of officer1's sign-in at @station. */
static PdPacket *
make_packet_accepted_by (const Station *station,
                         const char    *inner_packet_id,
                         JsonNode      *dossier,
                         const char    *accepted_by)
{
  return make_packet_with (station, inner_packet_id, dossier, accepted_by, station->token,
                           g_get_real_time () / G_USEC_PER_SEC);
}

static PdPacket *
make_packet_full (const Station *station,
                  const char    *inner_packet_id,
                  JsonNode      *dossier)
{
  return make_packet_accepted_by (station, inner_packet_id, dossier, "officer1");
}

static PdPacket *
make_packet (const Station *station)
{
  return make_packet_full (station, NULL, NULL);
}

static char *
push_body (PdPacket * const *packets,
           guint             n)
{
  GString *body = g_string_new ("{\"packets\": [");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = pd_packet_to_string (packets[i]);

      g_string_append_printf (body, "%s%s", i ? ", " : "", text);
    }
  g_string_append (body, "]}");
  return g_string_free (body, FALSE);
}

static Reply *
push (Server           *server,
      const Station    *sender,
      PdPacket * const *packets,
      guint             n)
{
  g_autofree char *body = push_body (packets, n);

  return request (server, sender, "POST", "/v1/packets", body);
}

static JsonObject *
result_at (Reply *reply,
           guint  i)
{
  JsonArray *results;

  g_assert_cmpuint (reply->status, ==, 200);
  results = json_object_get_array_member (reply_object (reply), "results");
  g_assert_nonnull (results);
  return json_array_get_object_element (results, i);
}

static void
assert_result (Reply      *reply,
               guint       i,
               const char *packet_id,
               const char *result,
               const char *code)
{
  JsonObject *object = result_at (reply, i);

  g_assert_cmpstr (json_object_get_string_member (object, "packet_id"), ==, packet_id);
  g_assert_cmpstr (json_object_get_string_member (object, "result"), ==, result);
  if (code)
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "error"), "code"),
                     ==, code);
  else
    g_assert_true (g_str_has_prefix (json_object_get_string_member (json_object_get_object_member (object, "receipt"),
                                                                    "central_id"), "C-"));
}

static gint64
stat_value (Server     *server,
            const char *name)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_central (&out, "stats", "--db", server->db, NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (json_node_get_object (json_parser_get_root (parser)), name));
  return json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), name);
}

static void
assert_alive (Server *server)
{
  g_autoptr(Reply) reply = request (server, NULL, "GET", "/v1/time", NULL);

  g_assert_cmpuint (reply->status, ==, 200);
}

/* Tests ------------------------------------------------------------------------------------ */

static void
test_time (void)
{
  g_autoptr(Reply) reply = request (shared, NULL, "GET", "/v1/time", NULL);
  JsonObject *object;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpuint (reply->status, ==, 200);
  object = reply_object (reply);
  g_assert_cmpint (json_object_get_int_member (object, "protocol"), ==, 1);
  g_assert_cmpint (ABS (json_object_get_int_member (object, "server_time") - now), <=, 2);
}

static void
test_enrollment (void)
{
  g_autofree char *code = new_code (shared, "HN01");
  g_autofree char *lower = g_ascii_strdown (code, -1);
  guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES];
  guint8 secret_key[PD_PACKET_SECRET_KEY_BYTES];
  guint8 box_key[PD_PACKET_BOX_KEY_BYTES];
  guint8 sign_key[PD_PACKET_PUBLIC_KEY_BYTES];
  g_autoptr(Reply) first = NULL;
  g_autoptr(Reply) again = NULL;
  g_autoptr(Reply) unknown = NULL;
  g_autoptr(Reply) malformed = NULL;
  gint64 devices = stat_value (shared, "devices");
  JsonObject *object;
  JsonObject *office;

  pd_packet_make_sign_keys (public_key, secret_key);
  /* Codes are read out loud: lower case is fine. */
  first = enroll_request (shared, lower, public_key);
  g_assert_cmpuint (first->status, ==, 201);
  object = reply_object (first);
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (object, "device_id")));
  office = json_object_get_object_member (object, "office");
  g_assert_cmpstr (json_object_get_string_member (office, "code"), ==, "HN01");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (office, "name"), "Phòng Quản lý xuất nhập cảnh"));
  g_assert_nonnull (json_object_get_string_member (office, "address"));
  decode_key (json_object_get_string_member (object, "central_box_public_key"), box_key, sizeof box_key);
  decode_key (json_object_get_string_member (object, "central_sign_public_key"), sign_key, sizeof sign_key);
  g_assert_cmpint (json_object_get_int_member (object, "server_time"), >, 1700000000);
  g_assert_cmpint (stat_value (shared, "devices"), ==, devices + 1);

  again = enroll_request (shared, code, public_key);
  assert_error (again, 403, "bad_enrollment_code");
  unknown = enroll_request (shared, "ZZZZ-ZZZZ", public_key);
  assert_error (unknown, 403, "bad_enrollment_code");
  malformed = request (shared, NULL, "POST", "/v1/devices", "{\"enrollment_code\": \"ZZZZ-ZZZZ\"}");
  assert_error (malformed, 400, "bad_request");
  g_assert_cmpint (stat_value (shared, "devices"), ==, devices + 1);
}

static void
test_signed_requests (void)
{
  g_autoptr(Station) station = station_enroll (shared, "HN01");
  g_autoptr(Station) stranger = g_new0 (Station, 1);
  const char *path = "/v1/reference";

  {
    g_autoptr(Reply) reply = request (shared, station, "GET", path, NULL);

    g_assert_cmpuint (reply->status, ==, 200);
  }
  {
    g_autoptr(Reply) reply = request (shared, NULL, "GET", path, NULL);

    assert_error (reply, 401, "invalid_signature");
  }
  {
    /* Signed for another path: the signature covers the path. */
    g_autoptr(SoupMessage) msg = message_new (shared, "GET", path);
    g_autoptr(Reply) reply = NULL;

    sign (msg, station, "/v1/statuses", NULL, 0, 0);
    reply = send_message (msg);
    assert_error (reply, 401, "invalid_signature");
  }
  {
    /* Signed over another body. */
    const char *body = "{\"username\": \"officer1\", \"password\": \"officer1-demo\"}";
    g_autoptr(SoupMessage) msg = message_new (shared, "POST", "/v1/sessions");
    g_autoptr(Reply) reply = NULL;

    set_body (msg, "application/json", body, strlen (body));
    sign (msg, station, "/v1/sessions", "{}", 2, 0);
    reply = send_message (msg);
    assert_error (reply, 401, "invalid_signature");
  }
  {
    g_autoptr(SoupMessage) msg = message_new (shared, "GET", path);
    g_autoptr(Reply) reply = NULL;

    sign (msg, station, path, NULL, 0, -400);
    reply = send_message (msg);
    assert_error (reply, 401, "stale_request");
  }
  {
    g_autoptr(SoupMessage) msg = message_new (shared, "GET", path);
    g_autoptr(Reply) reply = NULL;

    sign (msg, station, path, NULL, 0, 250);
    reply = send_message (msg);
    g_assert_cmpuint (reply->status, ==, 200);
  }
  {
    g_autoptr(Reply) reply = NULL;

    stranger->device_id = g_uuid_string_random ();
    pd_packet_make_sign_keys (stranger->public_key, stranger->secret_key);
    reply = request (shared, stranger, "GET", path, NULL);
    assert_error (reply, 401, "unknown_device");
  }
  {
    /* An enrolled device id with someone else's key. */
    g_autoptr(Reply) reply = NULL;

    g_free (stranger->device_id);
    stranger->device_id = g_strdup (station->device_id);
    reply = request (shared, stranger, "GET", path, NULL);
    assert_error (reply, 401, "invalid_signature");
  }
}

static Reply *
sign_in (const Station *station,
         const char    *username,
         const char    *password)
{
  return sign_in_at (shared, station, username, password);
}

static void
test_sign_in (void)
{
  g_autoptr(Station) station = station_enroll_role (shared, "HN01", "counter");
  static const struct {
    const char *username;
    const char *password;
    const char *role;
  } officers[] = {
    { "officer1", "officer1-demo", "officer" },
    { "supervisor1", "supervisor1-demo", "supervisor" },
    { "volunteer1", "volunteer1-demo", "volunteer" },
  };
  gint64 failures = stat_value (shared, "sign_in_failures");
  g_autofree char *volunteer_token = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (officers); i++)
    {
      g_autoptr(Reply) reply = sign_in (station, officers[i].username, officers[i].password);
      JsonObject *object;
      JsonObject *officer;

      g_assert_cmpuint (reply->status, ==, 200);
      object = reply_object (reply);
      g_assert_cmpuint (strlen (json_object_get_string_member (object, "token")), >=, 40);
      g_assert_cmpint (json_object_get_int_member (object, "expires_at"), >, g_get_real_time () / G_USEC_PER_SEC);
      officer = json_object_get_object_member (object, "officer");
      g_assert_cmpstr (json_object_get_string_member (officer, "username"), ==, officers[i].username);
      g_assert_cmpstr (json_object_get_string_member (officer, "role"), ==, officers[i].role);
      g_assert_cmpstr (json_object_get_string_member (officer, "office_code"), ==, "HN01");
      g_assert_true (g_utf8_validate (json_object_get_string_member (officer, "display_name"), -1, NULL));
      if (g_str_equal (officers[i].role, "volunteer"))
        volunteer_token = g_strdup (json_object_get_string_member (object, "token"));
    }

  {
    /* A volunteer prepares, but cannot send accepted applications. */
    g_autoptr(PdPacket) packet = make_packet (station);
    g_autofree char *body = push_body (&packet, 1);
    g_autofree char *bearer = g_strconcat ("Bearer ", volunteer_token, NULL);
    g_autoptr(SoupMessage) msg = message_new (shared, "POST", "/v1/packets");
    g_autoptr(Reply) reply = NULL;

    set_body (msg, "application/json", body, strlen (body));
    sign (msg, station, "/v1/packets", body, strlen (body), 0);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    reply = send_message (msg);
    assert_error (reply, 403, "forbidden_role");
  }
  {
    g_autoptr(SoupMessage) msg = message_new (shared, "GET", "/v1/reference");
    g_autoptr(Reply) reply = NULL;

    sign (msg, station, "/v1/reference", NULL, 0, 0);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "Bearer forged");
    reply = send_message (msg);
    assert_error (reply, 401, "bad_credentials");
  }

  {
    g_autoptr(Reply) reply = sign_in (station, "officer1", "wrong password");

    assert_error (reply, 401, "bad_credentials");
  }
  {
    g_autoptr(Reply) reply = sign_in (station, "nobody", "officer1-demo");

    assert_error (reply, 401, "bad_credentials");
  }

  /* Five failures for one username, then even the right password is refused for a while. */
  for (guint i = 0; i < 5; i++)
    {
      /* Each guess its own request: the same one again would be a replay. */
      g_autofree char *guess = g_strdup_printf ("guess-%u", i);
      g_autoptr(Reply) reply = sign_in (station, "volunteer1", guess);

      assert_error (reply, 401, "bad_credentials");
    }
  {
    g_autoptr(Reply) reply = sign_in (station, "volunteer1", "volunteer1-demo");
    guint64 seconds = 0;

    assert_error (reply, 429, "rate_limited");
    g_assert_nonnull (reply->retry_after);
    g_assert_true (g_ascii_string_to_unsigned (reply->retry_after, 10, 1, 300, &seconds, NULL));
  }
  {
    /* Other usernames are not affected. */
    g_autoptr(Reply) reply = sign_in (station, "officer1", "officer1-demo");

    g_assert_cmpuint (reply->status, ==, 200);
  }
  g_assert_cmpint (stat_value (shared, "sign_in_failures"), ==, failures + 7);
  {
    g_autofree char *out = NULL;
    g_autofree char *sql = NULL;
    g_autofree char *count = NULL;

    /* The failures are in the server's audit log. */
    sql = g_strdup ("SELECT COUNT(*) FROM audit WHERE action = 'sign_in_failed' AND subject = 'volunteer1'");
    if (g_find_program_in_path ("sqlite3"))
      {
        const char *argv[] = { "sqlite3", shared->db, sql, NULL };
        int status;

        g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, NULL);
        g_assert_cmpstr (g_strstrip (out), ==, "5");
      }
  }
}

static void
test_push (void)
{
  g_autoptr(Station) station = station_enroll (shared, "HN01");
  g_autoptr(Station) other = station_enroll (shared, "HN01");
  g_autoptr(Station) stranger = g_new0 (Station, 1);
  g_autoptr(PdPacket) good = make_packet (station);
  g_autoptr(PdPacket) tampered = make_packet (station);
  g_autoptr(PdPacket) foreign = NULL;
  g_autoptr(PdPacket) mismatch = NULL;
  g_autoptr(PdPacket) bad_dossier = NULL;
  g_autoptr(PdPacket) carried = make_packet (other);
  g_autofree char *wrong_id = g_uuid_string_random ();
  g_autoptr(JsonNode) dossier = make_dossier_json ();
  gint64 applications = stat_value (shared, "applications_received");
  gint64 received = stat_value (shared, "packets_received");
  gint64 duplicates = stat_value (shared, "duplicate_pushes");
  gint64 rejected = stat_value (shared, "rejected_packets");
  g_autofree char *central_id = NULL;
  gint64 received_at;

  {
    g_autoptr(Reply) reply = push (shared, station, &good, 1);
    JsonObject *receipt;

    assert_result (reply, 0, good->packet_id, "accepted", NULL);
    receipt = json_object_get_object_member (result_at (reply, 0), "receipt");
    central_id = g_strdup (json_object_get_string_member (receipt, "central_id"));
    received_at = json_object_get_int_member (receipt, "received_at");
  }
  {
    /* A retry: the first receipt, no second application. */
    g_autoptr(Reply) reply = push (shared, station, &good, 1);
    JsonObject *receipt;

    assert_result (reply, 0, good->packet_id, "duplicate", NULL);
    receipt = json_object_get_object_member (result_at (reply, 0), "receipt");
    g_assert_cmpstr (json_object_get_string_member (receipt, "central_id"), ==, central_id);
    g_assert_cmpint (json_object_get_int_member (receipt, "received_at"), ==, received_at);
  }

  /* One bad byte in the sealed content. */
  {
    gsize length;
    guint8 *bytes = g_bytes_unref_to_data (g_steal_pointer (&tampered->sealed), &length);

    bytes[length / 2] ^= 0x01;
    tampered->sealed = g_bytes_new_take (bytes, length);
  }

  stranger->device_id = g_uuid_string_random ();
  pd_packet_make_sign_keys (stranger->public_key, stranger->secret_key);
  memcpy (stranger->box_key, station->box_key, sizeof stranger->box_key);
  foreign = make_packet (stranger);
  mismatch = make_packet_full (station, wrong_id, NULL);
  json_object_set_string_member (json_node_get_object (dossier), "no_such_field", "x");
  bad_dossier = make_packet_full (station, NULL, g_steal_pointer (&dossier));

  {
    /* Another station carries a packet made by @other (offline transfer), in a mixed push. */
    PdPacket *packets[] = { tampered, foreign, mismatch, bad_dossier, carried, good };
    g_autoptr(Reply) reply = push (shared, station, packets, G_N_ELEMENTS (packets));

    assert_result (reply, 0, tampered->packet_id, "rejected", "invalid_signature");
    assert_result (reply, 1, foreign->packet_id, "rejected", "unknown_device");
    assert_result (reply, 2, mismatch->packet_id, "rejected", "invalid_packet");
    assert_result (reply, 3, bad_dossier->packet_id, "rejected", "invalid_packet");
    assert_result (reply, 4, carried->packet_id, "accepted", NULL);
    assert_result (reply, 5, good->packet_id, "duplicate", NULL);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (reply), "results")), ==, 6);
  }
  {
    /* A malformed packet is refused alone. */
    g_autofree char *good_text = pd_packet_to_string (carried);
    g_autofree char *body = g_strdup_printf ("{\"packets\": [{\"packet_id\": \"not-a-uuid\"}, 42, %s]}", good_text);
    g_autoptr(Reply) reply = request (shared, station, "POST", "/v1/packets", body);

    assert_result (reply, 0, "not-a-uuid", "rejected", "invalid_packet");
    g_assert_true (json_object_get_null_member (result_at (reply, 1), "packet_id"));
    assert_result (reply, 2, carried->packet_id, "duplicate", NULL);
  }
  {
    g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_packet_free);
    g_autoptr(Reply) reply = NULL;

    for (guint i = 0; i < 51; i++)
      g_ptr_array_add (many, make_packet (station));
    reply = push (shared, station, (PdPacket * const *) many->pdata, many->len);
    assert_error (reply, 400, "bad_request");
  }
  {
    g_autoptr(Reply) reply = request (shared, station, "POST", "/v1/packets", "{\"packets\": []}");

    assert_error (reply, 400, "bad_request");
  }

  g_assert_cmpint (stat_value (shared, "applications_received"), ==, applications + 2);
  g_assert_cmpint (stat_value (shared, "packets_received"), ==, received + 1 + 1 + 6 + 3);
  g_assert_cmpint (stat_value (shared, "duplicate_pushes"), ==, duplicates + 1 + 1 + 1);
  g_assert_cmpint (stat_value (shared, "rejected_packets"), ==, rejected + 4 + 2);
}

static JsonObject *
get_page (Server        *server,
          const Station *station,
          const char    *what,
          const char    *cursor,
          guint          limit,
          Reply        **reply_out)
{
  g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/v1/%s?after=%s&limit=%u", what, escaped, limit);
  Reply *reply = request (server, station, "GET", path, NULL);

  g_assert_cmpuint (reply->status, ==, 200);
  *reply_out = reply;
  return reply_object (reply);
}

static void
test_declarations (void)
{
  g_autoptr(Station) station = station_enroll (shared, "HN01");
  g_autoptr(Station) elsewhere = station_enroll (shared, "HCM01");
  g_autoptr(GHashTable) codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = g_strdup ("");
  g_autofree char *third_cursor = NULL;
  g_autofree char *first_code = NULL;
  gint64 last_filed = 0;
  guint pages = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(Reply) reply = NULL;
      JsonObject *page = get_page (shared, station, "declarations", cursor, 3, &reply);
      JsonArray *declarations = json_object_get_array_member (page, "declarations");

      g_assert_cmpuint (json_array_get_length (declarations), <=, 3);
      for (guint i = 0; i < json_array_get_length (declarations); i++)
        {
          JsonObject *declaration = json_array_get_object_element (declarations, i);
          g_autoptr(GError) error = NULL;
          g_autoptr(PdDossier) dossier = pd_dossier_new_from_json (json_object_get_member (declaration, "dossier"),
                                                                   &error);
          const char *code = json_object_get_string_member (declaration, "code");

          g_assert_no_error (error);
          g_assert_nonnull (pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME));
          g_assert_true (g_str_has_prefix (code, "PD1-01-"));
          g_assert_true (g_hash_table_add (codes, g_strdup (code)));
          g_assert_cmpint (json_object_get_int_member (declaration, "filed_at"), >=, last_filed);
          last_filed = json_object_get_int_member (declaration, "filed_at");
          if (first_code == NULL)
            first_code = g_strdup (code);
        }
      more = json_object_get_boolean_member (page, "more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (page, "next_cursor"));
      if (++pages == 1)
        third_cursor = g_strdup (cursor);
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (codes), ==, N_DECLARATIONS);

  {
    /* Resuming from a saved cursor gives the same rest; the end stays the end. */
    g_autoptr(Reply) reply = NULL;
    g_autoptr(Reply) end = NULL;
    JsonObject *page = get_page (shared, station, "declarations", third_cursor, 500, &reply);
    JsonObject *last = get_page (shared, station, "declarations", cursor, 500, &end);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "declarations")), ==,
                      N_DECLARATIONS - 3);
    g_assert_false (json_object_get_boolean_member (page, "more"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (last, "declarations")), ==, 0);
    g_assert_cmpstr (json_object_get_string_member (last, "next_cursor"), ==, cursor);
  }
  {
    g_autoptr(Reply) reply = NULL;
    JsonObject *page = get_page (shared, elsewhere, "declarations", "", 500, &reply);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "declarations")), ==, 0);
  }
  {
    g_autofree char *path = g_strconcat ("/v1/declarations/", first_code, NULL);
    g_autofree char *lower = g_ascii_strdown (path, -1);
    g_autoptr(Reply) reply = request (shared, station, "GET", path, NULL);
    g_autoptr(Reply) again = request (shared, station, "GET", lower, NULL);

    g_assert_cmpuint (reply->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "code"), ==, first_code);
    g_assert_true (json_object_has_member (reply_object (reply), "dossier"));
    g_assert_cmpuint (again->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (reply_object (again), "code"), ==, first_code);
  }
  {
    g_autoptr(Reply) reply = request (shared, station, "GET", "/v1/declarations/PD1-01-00000000-0", NULL);
    g_autoptr(Reply) garbage = request (shared, station, "GET", "/v1/declarations/%FF%00x", NULL);

    g_assert_cmpuint (reply->status, ==, 404);
    assert_error (garbage, 404, "not_found");
  }
  {
    const char *bad[] = {
      "/v1/declarations?limit=0", "/v1/declarations?limit=501", "/v1/declarations?after=x",
      "/v1/declarations?after=1&after=2", "/v1/declarations?order=desc",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(Reply) reply = request (shared, station, "GET", bad[i], NULL);

        assert_error (reply, 400, "bad_request");
      }
  }
}

static void
test_statuses (void)
{
  g_autoptr(Station) station = station_enroll (shared, "HN01");
  g_autoptr(Station) other = station_enroll (shared, "HN01");
  PdPacket *packets[] = { make_packet (station), make_packet (station) };
  g_autoptr(Reply) pushed = push (shared, station, packets, G_N_ELEMENTS (packets));
  g_autoptr(Reply) first = NULL;
  g_autoptr(Reply) second = NULL;
  g_autoptr(Reply) others = NULL;
  JsonObject *page;
  JsonArray *statuses;
  g_autofree char *cursor = NULL;

  assert_result (pushed, 0, packets[0]->packet_id, "accepted", NULL);
  assert_result (pushed, 1, packets[1]->packet_id, "accepted", NULL);

  page = get_page (shared, station, "statuses", "", 500, &first);
  statuses = json_object_get_array_member (page, "statuses");
  g_assert_cmpuint (json_array_get_length (statuses), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (statuses, 0), "status"), ==, "received");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (statuses, 0), "packet_id"), ==,
                   packets[0]->packet_id);
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (json_array_get_object_element (statuses, 0),
                                                                        "dossier_uuid")));
  g_assert_false (json_object_get_boolean_member (page, "more"));
  cursor = g_strdup (json_object_get_string_member (page, "next_cursor"));

  g_assert_cmpint (run_central (NULL, "set-status", "--db", shared->db, "--packet", packets[0]->packet_id,
                                "--status", "processing", NULL), ==, 0);
  g_assert_cmpint (run_central (NULL, "set-status", "--db", shared->db, "--packet", packets[1]->packet_id,
                                "--status", "rejected", "--reason", "Ảnh không đạt yêu cầu", NULL), ==, 0);
  g_assert_cmpint (run_central (NULL, "set-status", "--db", shared->db, "--packet", packets[1]->packet_id,
                                "--status", "rejected", NULL), ==, 2);
  g_assert_cmpint (run_central (NULL, "set-status", "--db", shared->db, "--packet", "no-such-packet",
                                "--status", "ready", NULL), ==, 1);

  page = get_page (shared, station, "statuses", cursor, 1, &second);
  statuses = json_object_get_array_member (page, "statuses");
  g_assert_cmpuint (json_array_get_length (statuses), ==, 1);
  g_assert_true (json_object_get_boolean_member (page, "more"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (statuses, 0), "status"), ==, "processing");
  g_assert_true (json_object_get_null_member (json_array_get_object_element (statuses, 0), "reason"));
  {
    g_autoptr(Reply) third = NULL;
    JsonObject *rest = get_page (shared, station, "statuses", json_object_get_string_member (page, "next_cursor"),
                                 10, &third);
    JsonObject *status = json_array_get_object_element (json_object_get_array_member (rest, "statuses"), 0);

    g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "rejected");
    g_assert_cmpstr (json_object_get_string_member (status, "reason"), ==, "Ảnh không đạt yêu cầu");
    g_assert_false (json_object_get_boolean_member (rest, "more"));
  }

  /* Another station sees none of them. */
  page = get_page (shared, other, "statuses", "", 500, &others);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "statuses")), ==, 0);

  pd_packet_free (packets[0]);
  pd_packet_free (packets[1]);
}

static guint
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  for (const char *p = contents; *p; p++)
    n += *p == '\n';
  return n;
}

static void
test_reference (void)
{
  g_autoptr(Station) station = station_enroll (shared, "HN01");
  g_autoptr(Reply) tables = request (shared, station, "GET", "/v1/reference", NULL);
  g_autoptr(Reply) communes = request (shared, station, "GET", "/v1/reference/communes", NULL);
  g_autoptr(Reply) missing = request (shared, station, "GET", "/v1/reference/planets", NULL);
  g_autofree char *csv = g_build_filename (g_getenv ("PASSDESK_DATA_DIR"), "reference", "provinces_34.csv", NULL);
  g_autofree char *communes_csv = g_build_filename (g_getenv ("PASSDESK_DATA_DIR"), "reference", "communes_3321.csv", NULL);
  JsonObject *versions;
  JsonArray *entries;
  JsonObject *entry;

  g_assert_cmpuint (tables->status, ==, 200);
  versions = json_object_get_object_member (reply_object (tables), "tables");
  g_assert_cmpuint (json_object_get_size (versions), ==, 4);
  for (const char * const *name = (const char * const []) { "provinces", "communes", "ethnic_groups", "fees", NULL };
       *name; name++)
    g_assert_cmpuint (strlen (json_object_get_string_member (versions, *name)), >, 0);

  g_assert_cmpuint (communes->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (reply_object (communes), "table"), ==, "communes");
  g_assert_cmpstr (json_object_get_string_member (reply_object (communes), "version"), ==,
                   json_object_get_string_member (versions, "communes"));
  entries = json_object_get_array_member (reply_object (communes), "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, count_lines (communes_csv) - 1);
  entry = json_array_get_object_element (entries, 0);
  for (const char * const *member = (const char * const []) { "code", "name", "parent", "kind", "amount", NULL };
       *member; member++)
    g_assert_true (json_object_has_member (entry, *member));
  assert_error (missing, 404, "not_found");

  {
    g_autoptr(Reply) after = NULL;

    g_assert_cmpint (run_central (NULL, "update-reference", "--db", shared->db, "--table", "provinces",
                                  "--file", csv, "--version", "test-2", NULL), ==, 0);
    after = request (shared, station, "GET", "/v1/reference", NULL);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply_object (after), "tables"),
                                                    "provinces"), ==, "test-2");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply_object (after), "tables"),
                                                    "communes"), ==, json_object_get_string_member (versions, "communes"));
  }
}

/* Raw bytes on a TCP connection: what no HTTP client would send. */
static void
send_raw (Server     *server,
          const void *data,
          gsize       length)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, &error);
  char buffer[512];

  g_assert_no_error (error);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), data, length, NULL, NULL, NULL);
  g_socket_shutdown (g_socket_connection_get_socket (connection), FALSE, TRUE, NULL);
  /* Whatever comes back, if anything, until the server closes. */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 5);
  while (g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), buffer, sizeof buffer,
                              NULL, NULL) > 0)
    ;
}

static void
test_hostile (void)
{
  g_autoptr(Station) station = station_enroll (shared, "HN01");
  static const char *bodies[] = {
    "", "{", "null", "[]", "\"x\"", "{\"packets\": {}}", "{\"packets\": [1], \"extra\": 1}",
    "{\"packets\": [1]} trailing", "\xff\xfe{}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(Reply) reply = request (shared, station, "POST", "/v1/packets", bodies[i]);

      g_assert_cmpuint (reply->status, ==, 400);
      g_assert_nonnull (reply->json);
    }
  {
    g_autoptr(Reply) reply = request (shared, NULL, "POST", "/v1/devices", "{\"enrollment_code\": [[[[]]]]}");

    assert_error (reply, 400, "bad_request");
  }
  {
    /* Nesting that would overflow a recursive parser's stack. */
    gsize depth = 1000000;
    g_autofree char *deep = g_malloc (2 * depth + 1);
    g_autoptr(Reply) reply = NULL;

    memset (deep, '[', depth);
    memset (deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    reply = request (shared, station, "POST", "/v1/packets", deep);
    assert_error (reply, 400, "bad_json");
    g_clear_pointer (&reply, reply_free);
    /* Enrollment takes a few hundred bytes: 2 MB are refused before they are read. */
    reply = request (shared, NULL, "POST", "/v1/devices", deep);
    assert_error (reply, 413, "too_large");
  }
  {
    /* 17 MiB, declared and chunked. */
    gsize length = 17 * 1024 * 1024;
    g_autofree char *huge = g_malloc (length);
    g_autoptr(SoupMessage) msg = message_new (shared, "POST", "/v1/packets");
    g_autoptr(SoupMessage) chunked = message_new (shared, "POST", "/v1/packets");
    g_autoptr(Reply) reply = NULL;
    g_autoptr(Reply) chunked_reply = NULL;
    g_autoptr(GInputStream) stream = NULL;

    memset (huge, ' ', length);
    set_body (msg, "application/json", huge, length);
    reply = send_message (msg);
    assert_error (reply, 413, "too_large");

    stream = g_memory_input_stream_new_from_data (huge, length, NULL);
    soup_message_set_request_body (chunked, "application/json", stream, -1);
    chunked_reply = send_message (chunked);
    assert_error (chunked_reply, 413, "too_large");
  }
  {
    g_autoptr(SoupMessage) msg = message_new (shared, "POST", "/v1/sessions");
    const char *body = "{\"username\": \"officer1\", \"password\": \"officer1-demo\"}";
    g_autoptr(Reply) reply = NULL;

    set_body (msg, "text/plain", body, strlen (body));
    sign (msg, station, "/v1/sessions", body, strlen (body), 0);
    reply = send_message (msg);
    assert_error (reply, 400, "bad_request");
  }
  {
    g_autoptr(Reply) wrong_method = request (shared, station, "DELETE", "/v1/packets", NULL);
    g_autoptr(Reply) unknown = request (shared, station, "GET", "/v2/anything", NULL);
    g_autoptr(Reply) nested = request (shared, station, "GET", "/v1/reference/a/b", NULL);

    assert_error (wrong_method, 405, "bad_request");
    assert_error (unknown, 404, "not_found");
    assert_error (nested, 404, "not_found");
  }
  {
    const char partial[] = "POST /v1/packets HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
                           "Content-Type: application/json\r\n\r\n{\"packets\": [";
    const char nonsense[] = "\x16\x03\x01\x02\x00garbage that is not HTTP\r\n\r\n";
    const char header_bomb[] = "GET /v1/time HTTP/1.1\r\nX: ";

    send_raw (shared, partial, sizeof partial - 1);
    send_raw (shared, nonsense, sizeof nonsense - 1);
    send_raw (shared, header_bomb, sizeof header_bomb - 1);
  }
  assert_alive (shared);
}

static Server *
fault_server (const char *spec,
              char      **db_out)
{
  g_autofree char *db = g_build_filename (tmpdir, "faults.db", NULL);
  Server *server;

  g_assert_cmpint (run_central (NULL, "seed-demo", "--db", db, "--declarations", "2", NULL), ==, 0);
  server = server_start (db, "--inject", spec, "--inject-seed", "7", NULL);
  if (db_out)
    *db_out = g_strdup (db);
  return server;
}

/* The synchronous send iterates its own context: the deadline runs in a thread. */
static gpointer
cancel_soon (gpointer user_data)
{
  g_usleep (3 * G_USEC_PER_SEC);
  g_cancellable_cancel (user_data);
  return NULL;
}

static void
test_faults (void)
{
  g_autofree char *db = NULL;
  gint64 injected;
  Server *server;
  g_autoptr(Station) station = NULL;
  g_autoptr(PdPacket) packet = NULL;

  /* The receipt is lost after the commit: the retry gets the first receipt. */
  server = fault_server ("commit-then-503:1,retry-after:3", &db);
  station = station_enroll (server, "HN01");
  packet = make_packet (station);
  {
    g_autoptr(Reply) reply = push (server, station, &packet, 1);

    assert_error (reply, 503, "internal");
    g_assert_cmpstr (reply->retry_after, ==, "3");
    g_assert_cmpint (stat_value (server, "applications_received"), ==, 1);
  }
  {
    g_autoptr(Reply) reply = NULL;

    server_stop (server);
    server = server_start (db, NULL);
    reply = push (server, station, &packet, 1);
    assert_result (reply, 0, packet->packet_id, "duplicate", NULL);
    g_assert_cmpint (stat_value (server, "applications_received"), ==, 1);
    server_stop (server);
  }

  {
    g_autoptr(PdPacket) other = make_packet (station);
    g_autoptr(Reply) reply = NULL;
    g_autoptr(Reply) pull = NULL;

    server = server_start (db, "--inject", "503:1,retry-after:2", NULL);
    injected = stat_value (server, "injected_faults");
    reply = push (server, station, &other, 1);
    assert_error (reply, 503, "internal");
    g_assert_cmpstr (reply->retry_after, ==, "2");
    pull = request (server, station, "GET", "/v1/declarations?after=&limit=10", NULL);
    g_assert_cmpuint (pull->status, ==, 503);
    g_assert_cmpint (stat_value (server, "applications_received"), ==, 1);
    /* Unsigned and sign-in paths are never disturbed. */
    assert_alive (server);
    g_assert_cmpint (stat_value (server, "injected_faults"), ==, injected + 2);
    server_stop (server);
  }
  {
    g_autoptr(PdPacket) other = make_packet (station);
    g_autoptr(Reply) reply = NULL;
    g_autoptr(Reply) pull = NULL;

    server = server_start (db, "--inject", "garbage:1", NULL);
    reply = push (server, station, &other, 1);
    g_assert_cmpuint (reply->status, ==, 200);
    g_assert_null (reply->json);
    pull = request (server, station, "GET", "/v1/statuses", NULL);
    g_assert_null (pull->json);
    g_assert_cmpint (stat_value (server, "applications_received"), ==, 1);
    server_stop (server);
  }
  {
    g_autoptr(PdPacket) other = make_packet (station);
    g_autofree char *body = push_body (&other, 1);
    g_autoptr(SoupMessage) msg = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;

    server = server_start (db, "--inject", "truncate:1", NULL);
    msg = message_new (server, "POST", "/v1/packets");
    set_body (msg, "application/json", body, strlen (body));
    sign (msg, station, "/v1/packets", body, strlen (body), 0);
    bytes = soup_session_send_and_read (session, msg, NULL, &error);
    /* libsoup 3.2 may hand over a body shorter than its Content-Length without an error:
     * what arrived must then not parse. */
    if (error == NULL)
      {
        g_autoptr(JsonParser) parser = json_parser_new ();

        g_assert_cmpuint (g_bytes_get_size (bytes), >, 0);
        g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                    g_bytes_get_size (bytes), NULL));
      }
    /* Stored even though the answer was cut. */
    g_assert_cmpint (stat_value (server, "applications_received"), ==, 2);
    assert_alive (server);
    server_stop (server);
  }
  {
    g_autoptr(PdPacket) other = make_packet (station);
    g_autofree char *body = push_body (&other, 1);
    g_autoptr(GCancellable) deadline = g_cancellable_new ();
    g_autoptr(SoupMessage) msg = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;
    gint64 start = g_get_monotonic_time ();
    GThread *timer;

    server = server_start (db, "--inject", "slow:1", NULL);
    msg = message_new (server, "POST", "/v1/packets");
    set_body (msg, "application/json", body, strlen (body));
    sign (msg, station, "/v1/packets", body, strlen (body), 0);
    /* A byte a second defeats an idle timeout: only an overall deadline ends the wait. */
    timer = g_thread_new ("deadline", cancel_soon, deadline);
    bytes = soup_session_send_and_read (session, msg, deadline, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, 3 * G_USEC_PER_SEC);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
    g_thread_join (timer);
    g_assert_cmpint (stat_value (server, "applications_received"), ==, 3);
    /* The dribbling connection does not hold the others, nor the shutdown. */
    assert_alive (server);
    server_stop (server);
  }
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (run_central (&out, "serve", "--db", "x.db", "--inject", "503:2", NULL), ==, 2);
    g_assert_cmpint (run_central (&out, "serve", "--db", "x.db", "--inject", "teapot:0.5", NULL), ==, 2);
    g_assert_cmpint (run_central (&out, "serve", "--db", "x.db", "--inject", "503:0.6,500:0.6", NULL), ==, 2);
  }
}

/* A kill -9 in the middle of pushes loses nothing that was acknowledged. */
static void
test_kill (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "kill.db", NULL);
  g_autoptr(GPtrArray) packets = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_packet_free);
  g_autoptr(GPtrArray) receipts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(Station) station = NULL;
  g_autoptr(GError) error = NULL;
  Server *server;

  g_assert_cmpint (run_central (NULL, "seed-demo", "--db", db, "--declarations", "0", NULL), ==, 0);
  server = server_start (db, NULL);
  station = station_enroll (server, "HN01");
  for (guint round = 0; round < 4; round++)
    {
      PdPacket *batch[5];
      g_autoptr(Reply) reply = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
        {
          batch[i] = make_packet (station);
          g_ptr_array_add (packets, batch[i]);
        }
      reply = push (server, station, batch, G_N_ELEMENTS (batch));
      for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
        {
          assert_result (reply, i, batch[i]->packet_id, "accepted", NULL);
          g_ptr_array_add (receipts, g_strdup (json_object_get_string_member (
            json_object_get_object_member (result_at (reply, i), "receipt"), "central_id")));
        }
    }
  g_subprocess_force_exit (server->process);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (server->process));
  server_free (server);

  server = server_start (db, NULL);
  for (guint i = 0; i < packets->len; i++)
    {
      g_autoptr(Reply) reply = push (server, station, (PdPacket * const *) &packets->pdata[i], 1);
      JsonObject *receipt;

      assert_result (reply, 0, ((PdPacket *) packets->pdata[i])->packet_id, "duplicate", NULL);
      receipt = json_object_get_object_member (result_at (reply, 0), "receipt");
      g_assert_cmpstr (json_object_get_string_member (receipt, "central_id"), ==, receipts->pdata[i]);
    }
  g_assert_cmpint (stat_value (server, "applications_received"), ==, packets->len);
  server_stop (server);
}

static gboolean
accept_certificate (SoupMessage          *msg,
                    GTlsCertificate      *certificate,
                    GTlsCertificateFlags  errors,
                    gpointer              user_data)
{
  return g_tls_certificate_is_same (certificate, user_data);
}

static void
test_tls (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *cert = g_build_filename (tmpdir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (tmpdir, "key.pem", NULL);
  g_autofree char *db = g_build_filename (tmpdir, "tls.db", NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  Server *server;
  int status = 0;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed (build-aux/install-deps.sh installs it)");
      return;
    }
  {
    const char *argv[] = {
      openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", NULL
    };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  certificate = g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);

  server = server_start (db, "--tls-cert", cert, "--tls-key", key, NULL);
  g_assert_true (g_str_has_prefix (server->url, "https://127.0.0.1:"));
  {
    /* Not trusted: nothing is exchanged. */
    g_autoptr(SoupMessage) msg = message_new (server, "GET", "/v1/time");
    g_autoptr(GBytes) bytes = soup_session_send_and_read (session, msg, NULL, &error);

    g_assert_null (bytes);
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  {
    g_autoptr(SoupMessage) msg = message_new (server, "GET", "/v1/time");
    g_autoptr(Reply) reply = NULL;

    g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate), certificate);
    reply = send_message (msg);
    g_assert_cmpuint (reply->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (reply_object (reply), "protocol"), ==, 1);
  }
  server_stop (server);

  /* Plain HTTP is for loopback only. */
  g_assert_cmpint (run_central (NULL, "serve", "--db", db, "--address", "0.0.0.0", NULL), ==, 1);
}


/* Hostile users (issue 18) --------------------------------------------------------------- */

static Reply *
push_with_token (Server           *server,
                 const Station    *sender,
                 PdPacket * const *packets,
                 guint             n,
                 const char       *token)
{
  g_autofree char *body = push_body (packets, n);
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(SoupMessage) msg = message_new (server, "POST", "/v1/packets");

  set_body (msg, "application/json", body, strlen (body));
  sign (msg, sender, "/v1/packets", body, strlen (body), 0);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  return send_message (msg);
}

static char *
token_of (Reply *reply)
{
  g_assert_cmpuint (reply->status, ==, 200);
  return g_strdup (json_object_get_string_member (reply_object (reply), "token"));
}

/* What the server stored of the application of @packet_id: who accepted it, its content,
 * and how many bytes it keeps of the token. */
static void
stored_application (Server      *server,
                    const char  *packet_id,
                    char       **accepted_by,
                    char       **content,
                    int         *token_hash_bytes)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (server->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT accepted_by, content, length (acceptance_token_hash) "
                                           "FROM applications WHERE packet_id = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, packet_id, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *accepted_by = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  *content = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  *token_hash_bytes = sqlite3_column_int (stmt, 2);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* Whether @needle is anywhere in the file @path (a missing file holds nothing). */
static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  gsize n = strlen (needle);

  if (!g_file_get_contents (path, &data, &length, NULL))
    return FALSE;
  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* Item 1: who accepted an application comes from the token of an online sign-in the sealed
 * packet carries, never from the body; the pusher's token says nothing about it. */
static void
test_abuse_acceptance (void)
{
  g_autoptr(Station) volunteer = station_enroll_role (shared, "HN01", "volunteer");
  g_autoptr(Station) counter = station_enroll (shared, "HN01");
  g_autoptr(Station) carrier = station_enroll (shared, "HN01");
  g_autoptr(Station) elsewhere = station_enroll (shared, "HCM01");
  g_autoptr(Reply) volunteer_at_counter = sign_in (counter, "volunteer1", "volunteer1-demo");
  g_autofree char *volunteer_token = token_of (volunteer_at_counter);
  g_autoptr(Reply) supervisor_at_counter = sign_in (counter, "supervisor1", "supervisor1-demo");
  g_autofree char *supervisor_token = token_of (supervisor_at_counter);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 received = stat_value (shared, "applications_received");

  {
    /* A volunteer station, with its volunteer's token, claiming a supervisor accepted. */
    g_autoptr(Reply) signed_in = sign_in (volunteer, "volunteer1", "volunteer1-demo");
    g_autofree char *token = token_of (signed_in);
    g_autoptr(PdPacket) packet = make_packet_with (volunteer, NULL, NULL, "supervisor1", token, now);
    g_autoptr(Reply) reply = push (shared, volunteer, &packet, 1);
    g_autoptr(Reply) carried = push (shared, carrier, &packet, 1);
    g_autoptr(PdPacket) bare = make_packet_with (volunteer, NULL, NULL, "officer1", NULL, now);
    g_autoptr(Reply) bare_reply = push (shared, volunteer, &bare, 1);

    assert_result (reply, 0, packet->packet_id, "rejected", "forbidden_role");
    /* Its packet carried by a counter of the office changes nothing. */
    assert_result (carried, 0, packet->packet_id, "rejected", "forbidden_role");
    assert_result (bare_reply, 0, bare->packet_id, "rejected", "forbidden_role");
    /* A volunteer's token on a push of applications. */
    {
      g_autoptr(Reply) pushed = push_with_token (shared, volunteer, &packet, 1, token);

      assert_error (pushed, 403, "forbidden_role");
    }
  }
  {
    /* At a counter: no token (an older station), a volunteer's token, officer1's token of
     * another counter, a made-up token, accepted an hour before the sign-in, accepted after
     * the 30 days of the default window, and officer1's token naming the supervisor. */
    PdPacket *packets[] = {
      make_packet_with (counter, NULL, NULL, "officer1", NULL, now),
      make_packet_with (counter, NULL, NULL, "volunteer1", volunteer_token, now),
      make_packet_with (counter, NULL, NULL, "officer1", carrier->token, now),
      make_packet_with (counter, NULL, NULL, "officer1", "bm90LWEtdG9rZW4tZXZlci1pc3N1ZWQ", now),
      make_packet_with (counter, NULL, NULL, "officer1", counter->token, now - 3600),
      make_packet_with (counter, NULL, NULL, "officer1", counter->token, now + 31 * 24 * 3600),
      make_packet_with (counter, NULL, NULL, "supervisor1", counter->token, now),
      /* Then good ones: by the token's officer, also with no name in the body, and the
       * supervisor's own. */
      make_packet_with (counter, NULL, NULL, "officer1", counter->token, now),
      make_packet_with (counter, NULL, NULL, NULL, counter->token, now + 29 * 24 * 3600),
      make_packet_with (counter, NULL, NULL, "supervisor1", supervisor_token, now),
    };
    const char *codes[] = {
      "missing_acceptance_token", "forbidden_role", "forbidden_role", "forbidden_role",
      "forbidden_role", "forbidden_role", "forbidden_role",
    };
    const char *accepted_by[] = { "officer1", "officer1", "supervisor1" };
    g_autoptr(Reply) reply = push (shared, counter, packets, G_N_ELEMENTS (packets));
    g_autofree char *wal = g_strconcat (shared->db, "-wal", NULL);

    for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
      assert_result (reply, i, packets[i]->packet_id, "rejected", codes[i]);
    for (guint i = G_N_ELEMENTS (codes); i < G_N_ELEMENTS (packets); i++)
      {
        g_autofree char *by = NULL;
        g_autofree char *content = NULL;
        int hash_bytes = 0;

        assert_result (reply, i, packets[i]->packet_id, "accepted", NULL);
        stored_application (shared, packets[i]->packet_id, &by, &content, &hash_bytes);
        g_assert_cmpstr (by, ==, accepted_by[i - G_N_ELEMENTS (codes)]);
        /* The token is a bearer secret: only its hash is kept. */
        g_assert_cmpint (hash_bytes, ==, 32);
        g_assert_null (strstr (content, "acceptance_token"));
      }
    /* Nowhere in the database's files. */
    g_assert_false (file_contains (shared->db, counter->token));
    g_assert_false (file_contains (wal, counter->token));
    g_assert_false (file_contains (shared->db, supervisor_token));
    g_assert_false (file_contains (wal, supervisor_token));
    for (guint i = 0; i < G_N_ELEMENTS (packets); i++)
      pd_packet_free (packets[i]);
  }
  {
    /* An honest packet still travels on a USB stick to another counter, with no one signed
     * in there, days later; and not to another office's under another name. */
    g_autoptr(PdPacket) packet = make_packet_with (counter, NULL, NULL, "officer1", counter->token, now);
    g_autoptr(Reply) reply = push (shared, elsewhere, &packet, 1);

    assert_result (reply, 0, packet->packet_id, "accepted", NULL);
  }
  {
    g_autoptr(PdPacket) packet = make_packet_with (elsewhere, NULL, NULL, "officer1", counter->token, now);
    g_autoptr(Reply) reply = push (shared, elsewhere, &packet, 1);

    assert_result (reply, 0, packet->packet_id, "rejected", "forbidden_role");
  }
  g_assert_cmpint (stat_value (shared, "applications_received"), ==, received + 4);
}

/* The acceptance window is the server's setting: a token proves acceptances only for the days
 * it gives after the sign-in. */
static void
test_abuse_acceptance_window (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "window.db", NULL);
  Server *server = NULL;
  g_autoptr(Station) counter = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpint (run_central (NULL, "seed-demo", "--db", db, NULL), ==, 0);
  g_assert_cmpint (run_central (NULL, "serve", "--db", db, "--acceptance-window-days", "0", NULL), ==, 2);
  server = server_start (db, "--acceptance-window-days", "2", NULL);
  counter = station_enroll (server, "HN01");
  {
    PdPacket *packets[] = {
      make_packet_with (counter, NULL, NULL, "officer1", counter->token, now + 24 * 3600),
      make_packet_with (counter, NULL, NULL, "officer1", counter->token, now + 3 * 24 * 3600),
    };
    g_autoptr(Reply) reply = push (server, counter, packets, G_N_ELEMENTS (packets));

    assert_result (reply, 0, packets[0]->packet_id, "accepted", NULL);
    assert_result (reply, 1, packets[1]->packet_id, "rejected", "forbidden_role");
    for (guint i = 0; i < G_N_ELEMENTS (packets); i++)
      pd_packet_free (packets[i]);
  }
  server_stop (server);
}

/* Item 2: a token is good only at the station it was issued to, of the officer's office. */
static void
test_abuse_token_binding (void)
{
  g_autoptr(Station) hanoi = station_enroll (shared, "HN01");
  g_autoptr(Station) other = station_enroll (shared, "HN01");
  g_autoptr(Station) saigon = station_enroll (shared, "HCM01");

  {
    g_autoptr(Reply) reply = sign_in (saigon, "supervisor1", "supervisor1-demo");

    assert_error (reply, 403, "wrong_office");
    g_assert_false (json_object_has_member (reply_object (reply), "token"));
  }
  {
    g_autoptr(Reply) signed_in = sign_in (hanoi, "supervisor1", "supervisor1-demo");
    g_autofree char *token = token_of (signed_in);
    g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
    const Station *stations[] = { other, saigon };

    for (guint i = 0; i < G_N_ELEMENTS (stations); i++)
      {
        g_autoptr(SoupMessage) msg = message_new (shared, "GET", "/v1/reference");
        g_autoptr(Reply) reply = NULL;

        sign (msg, stations[i], "/v1/reference", NULL, 0, 0);
        soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
        reply = send_message (msg);
        assert_error (reply, 401, "bad_credentials");
      }
    {
      g_autoptr(SoupMessage) msg = message_new (shared, "GET", "/v1/reference");
      g_autoptr(Reply) reply = NULL;

      sign (msg, hanoi, "/v1/reference", NULL, 0, 0);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
      reply = send_message (msg);
      g_assert_cmpuint (reply->status, ==, 200);
    }
  }
}

/* Item 6: an office reads its own declarations and its own applications' statuses only. */
static void
test_abuse_office_scope (void)
{
  g_autoptr(Station) hanoi = station_enroll (shared, "HN01");
  g_autoptr(Station) saigon = station_enroll (shared, "HCM01");
  g_autoptr(Reply) listed = NULL;
  JsonObject *page = get_page (shared, hanoi, "declarations", "", 1, &listed);
  const char *code = json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (page, "declarations"), 0), "code");
  g_autofree char *path = g_strconcat ("/v1/declarations/", code, NULL);

  {
    g_autoptr(Reply) own = request (shared, hanoi, "GET", path, NULL);
    g_autoptr(Reply) theirs = request (shared, saigon, "GET", path, NULL);

    g_assert_cmpuint (own->status, ==, 200);
    assert_error (theirs, 404, "not_found");
    g_assert_null (strstr (g_bytes_get_data (theirs->body, NULL), "dossier"));
  }
  {
    /* Saigon carries a Hanoi packet: it is received, but its fate is Hanoi's. */
    g_autoptr(PdPacket) packet = make_packet (hanoi);
    g_autoptr(Reply) pushed = push (shared, saigon, &packet, 1);
    g_autoptr(Reply) theirs = NULL;
    g_autoptr(Reply) own = NULL;
    JsonArray *statuses;

    assert_result (pushed, 0, packet->packet_id, "accepted", NULL);
    g_assert_cmpint (run_central (NULL, "set-status", "--db", shared->db, "--packet", packet->packet_id,
                                  "--status", "rejected", "--reason", "Giấy tờ giả", NULL), ==, 0);
    page = get_page (shared, saigon, "statuses", "", 500, &theirs);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "statuses")), ==, 0);
    g_assert_null (strstr (g_bytes_get_data (theirs->body, NULL), "Giấy tờ giả"));
    page = get_page (shared, hanoi, "statuses", "", 500, &own);
    statuses = json_object_get_array_member (page, "statuses");
    g_assert_cmpuint (json_array_get_length (statuses), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (statuses, 1), "reason"), ==,
                     "Giấy tờ giả");
  }
}

/* Item 8: a signed sign-in replayed verbatim gets no token. */
static void
test_abuse_replay (void)
{
  g_autoptr(Station) station = station_enroll (shared, "HN01");
  const char *body = "{\"username\": \"supervisor1\", \"password\": \"supervisor1-demo\"}";
  gint64 time = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *time_text = g_strdup_printf ("%" G_GINT64_FORMAT, time);
  g_autofree char *signature = pd_request_sign ("POST", "/v1/sessions", time, body, strlen (body),
                                                station->secret_key);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SoupMessage) msg = message_new (shared, "POST", "/v1/sessions");
      SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
      g_autoptr(Reply) reply = NULL;

      set_body (msg, "application/json", body, strlen (body));
      soup_message_headers_replace (headers, "X-Passdesk-Device", station->device_id);
      soup_message_headers_replace (headers, "X-Passdesk-Time", time_text);
      soup_message_headers_replace (headers, "X-Passdesk-Signature", signature);
      if (i > 0)
        g_usleep (2 * G_USEC_PER_SEC);
      reply = send_message (msg);
      if (i == 0)
        g_assert_cmpuint (reply->status, ==, 200);
      else
        {
          assert_error (reply, 425, "replayed_request");
          g_assert_false (json_object_has_member (reply_object (reply), "token"));
        }
    }
  {
    /* The station itself signs in again with a new request. */
    g_autoptr(Reply) reply = sign_in (station, "supervisor1", "supervisor1-demo");

    g_assert_cmpuint (reply->status, ==, 200);
  }
}

/* Item 10: a station of another office guessing passwords locks no one out of their office. */
static void
test_abuse_lockout (void)
{
  g_autoptr(Station) saigon = station_enroll (shared, "HCM01");
  g_autoptr(Station) hostile = station_enroll (shared, "HN01");
  g_autoptr(Station) hanoi = station_enroll (shared, "HN01");

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *guess = g_strdup_printf ("guess-%u", i);
      g_autoptr(Reply) from_saigon = sign_in (saigon, "supervisor1", guess);
      g_autoptr(Reply) from_hostile = sign_in (hostile, "supervisor1", guess);

      assert_error (from_saigon, i < 5 ? 401 : 429, i < 5 ? "bad_credentials" : "rate_limited");
      assert_error (from_hostile, i < 5 ? 401 : 429, i < 5 ? "bad_credentials" : "rate_limited");
    }
  {
    g_autoptr(Reply) reply = sign_in (hanoi, "supervisor1", "supervisor1-demo");

    g_assert_cmpuint (reply->status, ==, 200);
  }
}

/* Item 7: unauthenticated clients exhausting the server ----------------------------------- */

static Server *
limits_server (const char *name)
{
  g_autofree char *db = g_build_filename (tmpdir, name, NULL);

  g_assert_cmpint (run_central (NULL, "seed-demo", "--db", db, "--declarations", "1", NULL), ==, 0);
  return server_start (db, NULL);
}

static GSocketConnection *
raw_connect (Server *server)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, &error);
  GSocketConnection *connection;

  g_assert_no_error (error);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static void
raw_write (GSocketConnection *connection,
           const char        *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), text, strlen (text),
                             NULL, NULL, &error);
  g_assert_no_error (error);
}

/* What the server sends, until it closes or @seconds pass; *closed_after says when it closed
 * (in seconds since @start), or -1. */
static char *
raw_read (GSocketConnection *connection,
          guint              seconds,
          gint64             start,
          double            *closed_after)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gssize length;

  g_socket_set_timeout (socket, seconds);
  while ((length = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (text, buffer, length);
  if (closed_after)
    *closed_after = length == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
                    ? (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC : -1;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gsize
server_rss_kib (Server *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (server->process));
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

/* 40 clients declaring 15 MiB each for enrollment: each is refused before it sends a byte of
 * it, and the server's memory stays where it was. */
static void
test_limits_bodies (void)
{
  Server *server = limits_server ("limits-bodies.db");
  GSocketConnection *clients[40];
  gsize rss_before = server_rss_kib (server);
  gsize rss_after;
  gsize chunk_length = 1024 * 1024;
  g_autofree char *chunk = g_malloc (chunk_length);
  gint64 start = g_get_monotonic_time ();
  guint refused = 0;
  guint capped = 0;

  memset (chunk, ' ', chunk_length);
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      clients[i] = raw_connect (server);
      raw_write (clients[i], "POST /v1/devices HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\nContent-Length: 15728640\r\n\r\n");
    }
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      /* No body sent yet: the answer comes anyway, and the connection closes. */
      double closed_after = -1;
      g_autofree char *answer = raw_read (clients[i], 5, start, &closed_after);

      g_assert_cmpfloat (closed_after, >=, 0);
      g_assert_cmpfloat (closed_after, <, 5);
      if (*answer == '\0')
        {
          capped++;
          continue;
        }
      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
      g_assert_nonnull (strstr (answer, "too_large"));
      refused++;
      /* Sending it anyway gets nowhere. */
      for (guint j = 0; j < 15; j++)
        if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (clients[i])), chunk,
                                        chunk_length, NULL, NULL, NULL))
          break;
    }
  rss_after = server_rss_kib (server);
  g_test_message ("server RSS %" G_GSIZE_FORMAT " KiB before 40 clients declaring 15 MiB, %" G_GSIZE_FORMAT
                  " KiB after, in %.1f s; %u refused with 413, %u over the connection cap",
                  rss_before, rss_after, (g_get_monotonic_time () - start) / 1e6, refused, capped);
  g_assert_cmpuint (refused, ==, G_N_ELEMENTS (clients));
  g_assert_cmpuint (rss_after, <, rss_before + 32 * 1024);
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    g_object_unref (clients[i]);

  {
    /* Chunked, so undeclared: refused once over the route's limit, connection closed. */
    g_autoptr(GSocketConnection) client = raw_connect (server);
    g_autofree char *answer = NULL;
    g_autofree char *line = g_strdup_printf ("%zx\r\n", chunk_length);
    double closed_after = -1;

    raw_write (client, "POST /v1/devices HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (guint j = 0; j < 4; j++)
      if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (client)), line, strlen (line),
                                      NULL, NULL, NULL) ||
          !g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (client)), chunk,
                                      chunk_length, NULL, NULL, NULL))
        break;
    answer = raw_read (client, 5, g_get_monotonic_time (), &closed_after);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
    g_assert_cmpfloat (closed_after, >=, 0);
  }
  {
    /* A push may be 16 MiB, but only from a request that names an enrolled station. */
    g_autoptr(GSocketConnection) client = raw_connect (server);
    g_autofree char *answer = NULL;
    double closed_after = -1;

    raw_write (client, "POST /v1/packets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Passdesk-Device: nobody\r\n"
                       "Content-Type: application/json\r\nContent-Length: 15728640\r\n\r\n");
    answer = raw_read (client, 5, g_get_monotonic_time (), &closed_after);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
    g_assert_cmpfloat (closed_after, >=, 0);
  }
  assert_alive (server);
  server_stop (server);
}

/* A connection that sends nothing, or half a header, or nothing more after a request, is
 * closed: not kept open for ever. */
static void
test_limits_timeouts (void)
{
  Server *server = limits_server ("limits-timeouts.db");
  g_autoptr(GSocketConnection) silent = raw_connect (server);
  g_autoptr(GSocketConnection) half = raw_connect (server);
  g_autoptr(GSocketConnection) idle = raw_connect (server);
  gint64 start = g_get_monotonic_time ();
  double silent_closed, half_closed, idle_closed;
  g_autofree char *nothing = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *answered = NULL;

  raw_write (half, "POST /v1/devices HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty");
  raw_write (idle, "GET /v1/time HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  nothing = raw_read (silent, 25, start, &silent_closed);
  partial = raw_read (half, 25, start, &half_closed);
  answered = raw_read (idle, 25, start, &idle_closed);
  g_test_message ("closed after %.1f s (silent), %.1f s (half a header), %.1f s (idle after a request)",
                  silent_closed, half_closed, idle_closed);
  g_assert_cmpstr (nothing, ==, "");
  g_assert_true (g_str_has_prefix (answered, "HTTP/1.1 200 "));
  /* Headers: 10 s; idle: 15 s; swept every second. */
  g_assert_cmpfloat (silent_closed, >=, 9);
  g_assert_cmpfloat (silent_closed, <, 13);
  g_assert_cmpfloat (half_closed, >=, 9);
  g_assert_cmpfloat (half_closed, <, 13);
  g_assert_cmpfloat (idle_closed, >=, 14);
  g_assert_cmpfloat (idle_closed, <, 18);
  assert_alive (server);
  server_stop (server);
}

/* More connections from one address than the cap: the extra ones are closed at once, and
 * once the others are gone the server takes new ones again. */
static void
test_limits_connections (void)
{
  Server *server = limits_server ("limits-connections.db");
  GSocketConnection *clients[140];
  guint closed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    clients[i] = raw_connect (server);
  g_usleep (G_USEC_PER_SEC);
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      GSocket *socket = g_socket_connection_get_socket (clients[i]);
      char byte;

      /* Nothing was sent on any: readable means closed. */
      if (g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) &&
          g_socket_receive (socket, &byte, 1, NULL, NULL) <= 0)
        closed++;
    }
  g_test_message ("%u of %zu connections from one address closed at once", closed, G_N_ELEMENTS (clients));
  g_assert_cmpuint (closed, ==, G_N_ELEMENTS (clients) - 128);
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    g_object_unref (clients[i]);
  g_usleep (2 * G_USEC_PER_SEC);
  assert_alive (server);
  server_stop (server);
}

/* Guessing enrollment codes, or passwords across usernames, from one address. */
static void
test_limits_rates (void)
{
  Server *server = limits_server ("limits-rates.db");
  g_autoptr(Station) station = station_enroll_role (server, "HN01", "counter");
  guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES];
  guint8 secret_key[PD_PACKET_SECRET_KEY_BYTES];
  guint guesses;
  gint64 start;
  double elapsed;

  pd_packet_make_sign_keys (public_key, secret_key);
  for (guesses = 0; guesses < 50; guesses++)
    {
      g_autofree char *code = g_strdup_printf ("ZZ%07u", guesses);
      g_autoptr(Reply) reply = enroll_request (server, code, public_key);

      if (reply->status == 429)
        {
          assert_error (reply, 429, "rate_limited");
          g_assert_nonnull (reply->retry_after);
          g_assert_cmpint (atoi (reply->retry_after), >=, 1);
          break;
        }
      assert_error (reply, 403, "bad_enrollment_code");
    }
  g_test_message ("enrollment guesses refused after %u", guesses);
  g_assert_cmpuint (guesses, ==, 10);

  start = g_get_monotonic_time ();
  for (guesses = 0; guesses < 80; guesses++)
    {
      g_autofree char *username = g_strdup_printf ("nobody%u", guesses);
      g_autoptr(Reply) reply = sign_in_at (server, station, username, "guess");

      if (reply->status == 429)
        {
          assert_error (reply, 429, "rate_limited");
          g_assert_nonnull (reply->retry_after);
          break;
        }
      assert_error (reply, 401, "bad_credentials");
    }
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("sign-in guesses (each a new username) refused after %u, in %.1f s", guesses, elapsed);
  /* 30 at once, then one every 2 s. */
  g_assert_cmpuint (guesses, >=, 30);
  g_assert_cmpuint (guesses, <=, 31 + elapsed / 2);
  assert_alive (server);
  server_stop (server);
}

static void
test_cli (void)
{
  g_autofree char *out = NULL;
  g_autofree char *db = g_build_filename (tmpdir, "cli.db", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_central (&out, "seed-demo", "--db", db, "--declarations", "3", "--office", "DN01", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "officer1-demo"));
  g_assert_nonnull (strstr (out, "DN01"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_central (&out, "stats", "--db", db, NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "declarations"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "unused_enrollment_codes"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "offices"), ==, 3);

  g_assert_cmpint (run_central (NULL, "enroll-code", "--db", db, "--office", "XX99", NULL), ==, 1);
  g_assert_cmpint (run_central (NULL, "enroll-code", "--db", db, NULL), ==, 2);
  g_assert_cmpint (run_central (NULL, "no-such-command", NULL), ==, 2);
  g_assert_cmpint (run_central (NULL, "stats", NULL), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db = NULL;
  int status;

  pd_test_init (&argc, &argv);
  tmpdir = pd_test_make_tmpdir ();
  db = g_build_filename (tmpdir, "central.db", NULL);
  g_assert_cmpint (run_central (NULL, "seed-demo", "--db", db, "--declarations", G_STRINGIFY (N_DECLARATIONS), NULL), ==, 0);
  shared = server_start (db, NULL);
  session = soup_session_new_with_options ("timeout", 30, NULL);

  g_test_add_func ("/central/time", test_time);
  g_test_add_func ("/central/enrollment", test_enrollment);
  g_test_add_func ("/central/signed-requests", test_signed_requests);
  g_test_add_func ("/central/sign-in", test_sign_in);
  g_test_add_func ("/central/push", test_push);
  g_test_add_func ("/central/declarations", test_declarations);
  g_test_add_func ("/central/statuses", test_statuses);
  g_test_add_func ("/central/reference", test_reference);
  g_test_add_func ("/central/hostile", test_hostile);
  g_test_add_func ("/central/faults", test_faults);
  g_test_add_func ("/central/kill", test_kill);
  g_test_add_func ("/central/tls", test_tls);
  g_test_add_func ("/central/cli", test_cli);
  g_test_add_func ("/central/abuse/acceptance", test_abuse_acceptance);
  g_test_add_func ("/central/abuse/acceptance-window", test_abuse_acceptance_window);
  g_test_add_func ("/central/abuse/token-binding", test_abuse_token_binding);
  g_test_add_func ("/central/abuse/office-scope", test_abuse_office_scope);
  g_test_add_func ("/central/abuse/replay", test_abuse_replay);
  g_test_add_func ("/central/abuse/lockout", test_abuse_lockout);
  g_test_add_func ("/central/limits/bodies", test_limits_bodies);
  g_test_add_func ("/central/limits/timeouts", test_limits_timeouts);
  g_test_add_func ("/central/limits/connections", test_limits_connections);
  g_test_add_func ("/central/limits/rates", test_limits_rates);
  status = g_test_run ();

  server_stop (shared);
  g_clear_object (&session);
  return status;
}
