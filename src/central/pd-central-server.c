/* pd-central-server.c: the endpoints of data/sync-protocol.md on SoupServer. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <sodium.h>

#include "pd-central-applications.h"
#include "pd-central-identity.h"
#include "pd-central-prepared.h"
#include "pd-central-queue.h"
#include "pd-central-reference.h"
#include "pd-central-server.h"
#include "pd-central-stats.h"
#include "pd-declaration-code.h"
#include "pd-dossier.h"

/* A dribbled answer promises this much more than it has, so that it never completes. */
#define DRIBBLE_PADDING   (1024 * 1024)
#define DRIBBLE_INTERVAL  1000

typedef struct {
  GHashTable *per_address;  /* address key -> number of open connections */
  /* GSocket -> Tracked. libsoup 3.2 tells of no connection's end, and keeps one open after
   * the client closed it between two requests: connections are swept every second, the idle
   * ones closed and the closed ones forgotten. */
  GHashTable *sockets;
  guint       sweep;
} Connections;

typedef struct {
  char   *key;          /* the address */
  gint64  active;       /* monotonic µs of the last read or write */
} Tracked;

struct _PdCentralServer
{
  GObject          parent_instance;

  PdCentralDb     *db;
  SoupServer      *server;
  PdCentralFaults *faults;
  gboolean         https;
  /* "username\ndevice id" -> number of sign-ins being verified, counted as failures until
   * they end */
  GHashTable      *sign_ins;
  /* Signature of a signed sign-in -> the Unix time until which a request with it could still
   * pass the clock check: a sign-in replayed verbatim is refused, not answered with a token. */
  GHashTable      *seen_signatures;
  /* Verified against when the username is unknown, so that the answer takes as long. */
  char            *dummy_verifier;
  /* (element-type Dribble) connections a "slow" fault keeps open */
  GPtrArray       *dribbles;
  PdCentralQueue  *queue;
  Connections     *connections;
  /* Client address -> Bucket: failed enrollments, and sign-ins (failed or under way) */
  GHashTable      *enrollment_buckets;
  GHashTable      *sign_in_buckets;
};

G_DEFINE_FINAL_TYPE (PdCentralServer, pd_central_server, G_TYPE_OBJECT)

typedef struct {
  GByteArray *data;
  gsize       limit;        /* the route's */
  gboolean    refused;      /* and the connection taken from libsoup */
} Body;

typedef enum {
  ROUTE_TIME,
  ROUTE_DEVICES,
  ROUTE_SESSIONS,
  ROUTE_PACKETS,
  ROUTE_DECLARATIONS,
  ROUTE_DECLARATION,
  ROUTE_REFERENCE,
  ROUTE_REFERENCE_TABLE,
  ROUTE_STATUSES,
  ROUTE_STATION_KEYS,
  ROUTE_QUEUE,
  ROUTE_QUEUE_TICKETS,
  ROUTE_QUEUE_CALLS,
  ROUTE_QUEUE_APPOINTMENTS,    /* the queue's routes in the order of PdCentralQueueRoute */
  ROUTE_QUEUE_BOOKINGS,
  ROUTE_QUEUE_SLIPS,
} Route;

static const struct {
  const char *path;        /* ends with '/' when a path segment follows */
  const char *method;
  gboolean    is_signed;
  gboolean    faulty;      /* subject to --inject */
} routes[] = {
  [ROUTE_TIME] = { "/v1/time", "GET", FALSE, FALSE },
  [ROUTE_DEVICES] = { "/v1/devices", "POST", FALSE, FALSE },
  [ROUTE_SESSIONS] = { "/v1/sessions", "POST", TRUE, FALSE },
  [ROUTE_PACKETS] = { "/v1/packets", "POST", TRUE, TRUE },
  [ROUTE_DECLARATIONS] = { "/v1/declarations", "GET", TRUE, TRUE },
  [ROUTE_DECLARATION] = { "/v1/declarations/", "GET", TRUE, TRUE },
  [ROUTE_REFERENCE] = { "/v1/reference", "GET", TRUE, TRUE },
  [ROUTE_REFERENCE_TABLE] = { "/v1/reference/", "GET", TRUE, TRUE },
  [ROUTE_STATUSES] = { "/v1/statuses", "GET", TRUE, TRUE },
  [ROUTE_STATION_KEYS] = { "/v1/station-keys", "GET", TRUE, TRUE },
  [ROUTE_QUEUE] = { "/v1/queue", "GET", TRUE, TRUE },
  [ROUTE_QUEUE_TICKETS] = { "/v1/queue/tickets", "POST", TRUE, TRUE },
  [ROUTE_QUEUE_CALLS] = { "/v1/queue/calls", "POST", TRUE, TRUE },
  [ROUTE_QUEUE_APPOINTMENTS] = { "/v1/queue/appointments", "GET", TRUE, TRUE },
  [ROUTE_QUEUE_BOOKINGS] = { "/v1/queue/bookings", "POST", TRUE, TRUE },
  [ROUTE_QUEUE_SLIPS] = { "/v1/queue/slips", "POST", TRUE, TRUE },
};

typedef struct {
  PdCentralServer   *self;
  SoupServerMessage *msg;
  Route              route;
  const guint8      *body;
  gsize              body_length;
  const char        *query;
  char              *argument;      /* the unescaped last path segment, for the /x/<y> routes */
  char              *device_id;     /* once the signature verified */
  char              *office_code;
  PdCentralOfficer  *officer;       /* from a bearer token, when one was sent */
} Request;

static void
request_clear (Request *request)
{
  g_clear_pointer (&request->argument, g_free);
  g_clear_pointer (&request->device_id, g_free);
  g_clear_pointer (&request->office_code, g_free);
  g_clear_pointer (&request->officer, pd_central_officer_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Request, request_clear)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonNode          *node)
{
  gsize length;
  char *text = json_to_string (node, FALSE);

  length = strlen (text);
  /* set_response() appends to a body already set, and a fault may replace an answer. */
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    text, length);
}

static JsonNode *
error_node (const char *code,
            const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message)
{
  g_autoptr(JsonNode) node = error_node (code, message);

  respond_json (msg, status, node);
}

static void
respond_internal (SoupServerMessage *msg,
                  const GError      *error)
{
  g_warning ("%s", error->message);
  respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                 _("The central system failed to handle the request. Try again later."));
}

static void
respond_retry_after (SoupServerMessage *msg,
                     guint              status,
                     const char        *code,
                     const char        *message,
                     gint64             seconds)
{
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (seconds, 1));

  respond_error (msg, status, code, message);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", value);
}

/* Limits ----------------------------------------------------------------------------------- */

/* What an unauthenticated client may cost the server: data/sync-protocol.md, "Limits". */
#define SMALL_BODY                  (4 * 1024)  /* enrollment, sign-in, and every GET */
#define HEADER_TIMEOUT              10          /* s: a request's headers, or a small body */
#define IDLE_TIMEOUT                15          /* s without a byte either way */
#define LINGER_TIMEOUT              2000        /* ms a refused client has to read the refusal */
#define MAX_CONNECTIONS             512
#define MAX_CONNECTIONS_PER_ADDRESS 128  /* an office's stations behind one NAT */

/* A token bucket per client address: @capacity attempts at once, then one per @interval s. */
typedef struct {
  guint capacity;
  guint interval;
} RateLimit;

static const RateLimit enrollment_limit = { 10, 6 };
static const RateLimit sign_in_limit = { 30, 2 };

typedef struct {
  double   tokens;
  gint64   updated;     /* monotonic µs */
  gboolean reported;    /* this run of refusals is already in the audit log */
} Bucket;

/* IPv6 clients get a /64 each, so an address is the first 64 bits. */
static char *
address_key (SoupServerMessage *msg)
{
  GSocketAddress *address = soup_server_message_get_remote_address (msg);
  GInetAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("");
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    {
      guint8 bytes[16] = { 0 };
      g_autoptr(GInetAddress) prefix = NULL;

      memcpy (bytes, g_inet_address_to_bytes (inet), 8);
      prefix = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);
      return g_inet_address_to_string (prefix);
    }
  return g_inet_address_to_string (inet);
}

static void
tracked_free (Tracked *tracked)
{
  g_free (tracked->key);
  g_free (tracked);
}

static void
connections_free (Connections *connections)
{
  g_clear_handle_id (&connections->sweep, g_source_remove);
  g_hash_table_unref (connections->per_address);
  g_hash_table_unref (connections->sockets);
  g_free (connections);
}

/* TRUE when the client closed its side with nothing left to read. */
static gboolean
peer_closed (GSocket *socket)
{
  char byte;
  GInputVector vector = { &byte, 1 };
  gint flags = G_SOCKET_MSG_PEEK;

  if (!g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR))
    return FALSE;
  return g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL, &flags, NULL, NULL) == 0;
}

static void
connections_sweep (Connections *connections)
{
  GHashTableIter iter;
  GSocket *socket;
  Tracked *tracked;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, connections->sockets);
  while (g_hash_table_iter_next (&iter, (gpointer *) &socket, (gpointer *) &tracked))
    {
      guint count;

      if (!g_socket_is_closed (socket) &&
          (now - tracked->active > IDLE_TIMEOUT * G_USEC_PER_SEC || peer_closed (socket)))
        {
          g_debug ("closing an idle connection");
          /* libsoup's next read or write on it fails, and it lets the connection go. */
          g_socket_shutdown (socket, TRUE, TRUE, NULL);
          g_socket_close (socket, NULL);
        }
      if (!g_socket_is_closed (socket))
        continue;
      count = GPOINTER_TO_UINT (g_hash_table_lookup (connections->per_address, tracked->key));
      if (count <= 1)
        g_hash_table_remove (connections->per_address, tracked->key);
      else
        g_hash_table_insert (connections->per_address, g_strdup (tracked->key), GUINT_TO_POINTER (count - 1));
      g_hash_table_iter_remove (&iter);
    }
}

/* Returns FALSE when the connection is one too many; else counts it until it is closed. */
static gboolean
connection_admit (Connections       *connections,
                  SoupServerMessage *msg,
                  GSocket           *socket)
{
  g_autofree char *key = address_key (msg);
  Tracked *tracked;
  guint count;

  connections_sweep (connections);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (connections->per_address, key));
  if (g_hash_table_size (connections->sockets) >= MAX_CONNECTIONS || count >= MAX_CONNECTIONS_PER_ADDRESS)
    return FALSE;
  g_hash_table_insert (connections->per_address, g_strdup (key), GUINT_TO_POINTER (count + 1));
  tracked = g_new0 (Tracked, 1);
  tracked->key = g_steal_pointer (&key);
  tracked->active = g_get_monotonic_time ();
  g_hash_table_insert (connections->sockets, g_object_ref (socket), tracked);
  return TRUE;
}

static gboolean
connections_sweep_cb (gpointer user_data)
{
  connections_sweep (user_data);
  return G_SOURCE_CONTINUE;
}

/* Signal handler: any step of a request or its answer. */
static void
on_activity (SoupServerMessage *msg,
             Connections       *connections)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Tracked *tracked = socket ? g_hash_table_lookup (connections->sockets, socket) : NULL;

  if (tracked != NULL)
    tracked->active = g_get_monotonic_time ();
}

static void
on_got_chunk_activity (SoupServerMessage *msg,
                       GBytes            *chunk,
                       Connections       *connections)
{
  on_activity (msg, connections);
}

static void
on_wrote_activity (SoupServerMessage *msg,
                   guint              length,
                   Connections       *connections)
{
  on_activity (msg, connections);
}

/* A deadline on a message: when it passes, the connection is shut, and libsoup, reading
 * from it, lets it go. */
typedef struct {
  GSocket *socket;
  guint    source;
} Deadline;

static void
deadline_free (Deadline *deadline)
{
  g_clear_handle_id (&deadline->source, g_source_remove);
  g_object_unref (deadline->socket);
  g_free (deadline);
}

static gboolean
deadline_passed (gpointer user_data)
{
  Deadline *deadline = user_data;

  deadline->source = 0;
  g_debug ("closing a connection that took too long to send its request");
  g_socket_shutdown (deadline->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
deadline_set (SoupServerMessage *msg,
              guint              seconds)
{
  Deadline *deadline = g_new0 (Deadline, 1);

  deadline->socket = g_object_ref (soup_server_message_get_socket (msg));
  deadline->source = g_timeout_add_seconds (seconds, deadline_passed, deadline);
  g_object_set_data_full (G_OBJECT (msg), "pd-deadline", deadline, (GDestroyNotify) deadline_free);
}

static void
deadline_clear (SoupServerMessage *msg)
{
  g_object_set_data (G_OBJECT (msg), "pd-deadline", NULL);
}

/* Takes one attempt from @key's bucket; FALSE, with the seconds until the next one, when it is
 * empty. */
static gboolean
rate_take (GHashTable      *buckets,
           const RateLimit *limit,
           const char      *key,
           gint64          *retry_after,
           gboolean        *first_refusal)
{
  gint64 now = g_get_monotonic_time ();
  Bucket *bucket = g_hash_table_lookup (buckets, key);

  if (bucket == NULL)
    {
      /* Full buckets are as good as none: forget them before the table grows large. */
      if (g_hash_table_size (buckets) >= 4096)
        {
          GHashTableIter iter;
          Bucket *old;

          g_hash_table_iter_init (&iter, buckets);
          while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &old))
            if (old->tokens + (double) (now - old->updated) / G_USEC_PER_SEC / limit->interval >= limit->capacity)
              g_hash_table_iter_remove (&iter);
        }
      bucket = g_new0 (Bucket, 1);
      bucket->tokens = limit->capacity;
      bucket->updated = now;
      g_hash_table_insert (buckets, g_strdup (key), bucket);
    }
  bucket->tokens = MIN ((double) limit->capacity,
                        bucket->tokens + (double) (now - bucket->updated) / G_USEC_PER_SEC / limit->interval);
  bucket->updated = now;
  if (bucket->tokens < 1)
    {
      *retry_after = (gint64) ((1 - bucket->tokens) * limit->interval) + 1;
      *first_refusal = !bucket->reported;
      bucket->reported = TRUE;
      return FALSE;
    }
  bucket->tokens--;
  bucket->reported = FALSE;
  return TRUE;
}

/* Gives back the attempt of a request that succeeded: only failures count. */
static void
rate_refund (GHashTable      *buckets,
             const RateLimit *limit,
             const char      *key)
{
  Bucket *bucket = g_hash_table_lookup (buckets, key);

  if (bucket != NULL)
    bucket->tokens = MIN ((double) limit->capacity, bucket->tokens + 1);
}

/* Bodies ----------------------------------------------------------------------------------- */

static void
body_free (Body *body)
{
  g_byte_array_unref (body->data);
  g_free (body);
}

/* A refused request's connection, taken from libsoup: the answer is written, then whatever the
 * client still sends is read and dropped for a moment, so that the client reads the answer
 * instead of a reset connection, and then it is closed. */
typedef struct {
  GIOStream    *stream;
  GSocket      *socket;
  GBytes       *answer;
  GCancellable *cancellable;
  guint         timeout;
  guint8        buffer[16384];
} Refusal;

static void
refusal_free (Refusal *refusal)
{
  g_clear_handle_id (&refusal->timeout, g_source_remove);
  g_io_stream_close (refusal->stream, NULL, NULL);
  g_object_unref (refusal->stream);
  g_object_unref (refusal->socket);
  g_bytes_unref (refusal->answer);
  g_object_unref (refusal->cancellable);
  g_free (refusal);
}

static gboolean
refusal_linger_over (gpointer user_data)
{
  Refusal *refusal = user_data;

  refusal->timeout = 0;
  g_cancellable_cancel (refusal->cancellable);
  return G_SOURCE_REMOVE;
}

static void
refusal_drained (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL) <= 0)
    {
      refusal_free (refusal);
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (object), refusal->buffer, sizeof refusal->buffer,
                             G_PRIORITY_LOW, refusal->cancellable, refusal_drained, refusal);
}

static void
refusal_wrote (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL))
    {
      refusal_free (refusal);
      return;
    }
  g_socket_shutdown (refusal->socket, FALSE, TRUE, NULL);
  refusal->timeout = g_timeout_add (LINGER_TIMEOUT, refusal_linger_over, refusal);
  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream), refusal->buffer,
                             sizeof refusal->buffer, G_PRIORITY_LOW, refusal->cancellable,
                             refusal_drained, refusal);
}

/* Answers 413 without reading the body (libsoup would read all of it before answering, even
 * one declared too large), and closes the connection. */
static void
refuse_too_large (SoupServerMessage *msg,
                  gsize              limit)
{
  g_autoptr(JsonNode) node =
    error_node ("too_large", limit == PD_CENTRAL_MAX_BODY
                ? _("The request is larger than 16 MiB. Push fewer packets at a time.")
                : _("The request is larger than this address of the central system accepts. Update Passdesk."));
  g_autofree char *json = json_to_string (node, FALSE);
  g_autofree char *text =
    g_strdup_printf ("HTTP/1.1 413 %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                     "Cache-Control: no-store\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n"
                     "Connection: close\r\n\r\n%s",
                     soup_status_get_phrase (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE), strlen (json), json);
  Refusal *refusal = g_new0 (Refusal, 1);
  gsize length = strlen (text);

  refusal->socket = g_object_ref (soup_server_message_get_socket (msg));
  refusal->stream = soup_server_message_steal_connection (msg);
  refusal->answer = g_bytes_new_take (g_steal_pointer (&text), length);
  refusal->cancellable = g_cancellable_new ();
  g_output_stream_write_all_async (g_io_stream_get_output_stream (refusal->stream),
                                   g_bytes_get_data (refusal->answer, NULL), length,
                                   G_PRIORITY_DEFAULT, refusal->cancellable, refusal_wrote, refusal);
}

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              Body              *body)
{
  gsize length = g_bytes_get_size (chunk);

  if (body->refused)
    return;
  if (length > body->limit - MIN (body->limit, body->data->len))
    {
      body->refused = TRUE;
      g_byte_array_set_size (body->data, 0);
      refuse_too_large (msg, body->limit);
      return;
    }
  g_byte_array_append (body->data, g_bytes_get_data (chunk, NULL), length);
}

static gboolean find_route (const char  *path,
                            Route       *route,
                            char       **argument);

static gsize
body_limit (PdCentralServer   *self,
            SoupServerMessage *msg,
            const char        *path)
{
  Route route;
  g_autofree char *argument = NULL;
  g_autofree char *office = NULL;
  guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES];
  const char *device_id;

  if (!find_route (path, &route, &argument))
    return SMALL_BODY;
  if (!g_str_equal (routes[route].method, "POST") || route == ROUTE_DEVICES || route == ROUTE_SESSIONS)
    return SMALL_BODY;
  /* The signature covers the body, so it is checked once the body is in: until then, only a
   * request that names an enrolled station may send a large one. */
  device_id = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Passdesk-Device");
  if (device_id == NULL || !pd_central_db_lookup_device (self->db, device_id, public_key, &office))
    return SMALL_BODY;
  return PD_CENTRAL_MAX_BODY;
}

static void
on_got_headers (SoupServerMessage *msg,
                gpointer           user_data)
{
  Body *body = g_object_get_data (G_OBJECT (msg), "pd-body");

  /* A small body comes within the headers' time; a large one within the idle timeout. */
  deadline_clear (msg);
  if (body != NULL && body->limit == SMALL_BODY)
    deadline_set (msg, HEADER_TIMEOUT);
}

static void
on_got_body (SoupServerMessage *msg,
             gpointer           user_data)
{
  deadline_clear (msg);
}

/* libsoup would otherwise keep a body of any size in memory: read it ourselves, bounded. */
static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  PdCentralServer *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  Body *body;

  /* Emitted when a connection is accepted, and then when a request on it sends its first
   * byte. */
  if (socket != NULL && !g_hash_table_contains (self->connections->sockets, socket))
    {
      if (!connection_admit (self->connections, msg, socket))
        {
          g_debug ("refusing a connection beyond the limit");
          g_socket_shutdown (socket, TRUE, TRUE, NULL);
          return;
        }
    }
  if (socket != NULL)
    deadline_set (msg, HEADER_TIMEOUT);

  body = g_new0 (Body, 1);
  body->data = g_byte_array_new ();
  body->limit = SMALL_BODY;
  g_object_set_data_full (G_OBJECT (msg), "pd-body", body, (GDestroyNotify) body_free);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), body);
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), NULL);
  g_signal_connect (msg, "got-body", G_CALLBACK (on_got_body), NULL);
  on_activity (msg, self->connections);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk_activity), self->connections);
  g_signal_connect (msg, "got-body", G_CALLBACK (on_activity), self->connections);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_activity), self->connections);
  g_signal_connect (msg, "finished", G_CALLBACK (on_activity), self->connections);
}

/* Refuses a declared oversized body before reading any of it. */
static void
handle_early (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Body *body = g_object_get_data (G_OBJECT (msg), "pd-body");

  if (body == NULL)
    return;
  body->limit = body_limit (user_data, msg, path);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) body->limit)
    {
      body->refused = TRUE;
      refuse_too_large (msg, body->limit);
    }
}

/* Faults ----------------------------------------------------------------------------------- */

/* Reference counted: the server's list holds one reference, a pending write another, so
 * that the byte being written outlives a shutdown in the middle of it. */
typedef struct {
  PdCentralServer *self;
  GIOStream       *stream;
  GBytes          *data;
  gsize            offset;
  guint            source;
  GCancellable    *cancellable;
} Dribble;

static void
dribble_clear (Dribble *dribble)
{
  g_io_stream_close (dribble->stream, NULL, NULL);
  g_clear_object (&dribble->stream);
  g_clear_object (&dribble->cancellable);
  g_clear_pointer (&dribble->data, g_bytes_unref);
}

static void
dribble_unref (Dribble *dribble)
{
  g_rc_box_release_full (dribble, (GDestroyNotify) dribble_clear);
}

/* Called when the server drops the dribble from its list. */
static void
dribble_stop (Dribble *dribble)
{
  g_clear_handle_id (&dribble->source, g_source_remove);
  g_cancellable_cancel (dribble->cancellable);
  dribble_unref (dribble);
}

static gboolean dribble_next (gpointer user_data);

static void
dribble_wrote (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Dribble *dribble = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL))
    {
      /* The client gave up, or the server is shutting down and already let go. */
      if (!g_cancellable_is_cancelled (dribble->cancellable))
        g_ptr_array_remove (dribble->self->dribbles, dribble);
    }
  else if (!g_cancellable_is_cancelled (dribble->cancellable))
    dribble->source = g_timeout_add (DRIBBLE_INTERVAL, dribble_next, dribble);
  dribble_unref (dribble);
}

static gboolean
dribble_next (gpointer user_data)
{
  Dribble *dribble = user_data;
  gsize length;
  const guint8 *data = g_bytes_get_data (dribble->data, &length);
  const guint8 *byte = dribble->offset < length ? data + dribble->offset : (const guint8 *) " ";

  dribble->source = 0;
  dribble->offset++;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (dribble->stream), byte, 1,
                                   G_PRIORITY_DEFAULT, dribble->cancellable, dribble_wrote,
                                   g_rc_box_acquire (dribble));
  return G_SOURCE_REMOVE;
}

static void
truncate_wrote (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GIOStream) stream = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

/* Takes the connection from libsoup to answer @msg with bytes no HTTP library would send:
 * an answer cut short, or one that never ends. */
static void
misanswer (PdCentralServer   *self,
           SoupServerMessage *msg,
           PdCentralFault     fault)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  gsize length = g_bytes_get_size (body);
  gsize declared = fault == PD_CENTRAL_FAULT_SLOW ? length + DRIBBLE_PADDING : length;
  g_autofree char *head =
    g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                     "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                     soup_server_message_get_status (msg),
                     soup_status_get_phrase (soup_server_message_get_status (msg)), declared);
  GIOStream *stream = soup_server_message_steal_connection (msg);

  if (fault == PD_CENTRAL_FAULT_TRUNCATE)
    {
      GByteArray *bytes = g_byte_array_new ();
      g_autoptr(GBytes) data = NULL;

      g_byte_array_append (bytes, (const guint8 *) head, strlen (head));
      g_byte_array_append (bytes, g_bytes_get_data (body, NULL), length / 2);
      data = g_byte_array_free_to_bytes (bytes);
      /* The GBytes stays alive in the closure until the write completes. */
      g_object_set_data_full (G_OBJECT (stream), "pd-truncated", g_bytes_ref (data),
                              (GDestroyNotify) g_bytes_unref);
      g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                       g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                       G_PRIORITY_DEFAULT, NULL, truncate_wrote, stream);
    }
  else
    {
      Dribble *dribble = g_rc_box_new0 (Dribble);
      GByteArray *bytes = g_byte_array_new ();

      g_byte_array_append (bytes, (const guint8 *) head, strlen (head));
      g_byte_array_append (bytes, g_bytes_get_data (body, NULL), length);
      dribble->self = self;
      dribble->stream = stream;
      dribble->data = g_byte_array_free_to_bytes (bytes);
      dribble->cancellable = g_cancellable_new ();
      g_ptr_array_add (self->dribbles, dribble);
      dribble_next (dribble);
    }
}

static PdCentralFault
draw_fault (PdCentralServer *self,
            Request         *request)
{
  PdCentralFault fault;
  g_autoptr(GError) error = NULL;

  if (self->faults == NULL || !routes[request->route].faulty)
    return PD_CENTRAL_FAULT_NONE;
  fault = pd_central_faults_draw (self->faults);
  if (fault == PD_CENTRAL_FAULT_NONE)
    return fault;
  g_debug ("Injecting %s into %s", pd_central_fault_to_string (fault), routes[request->route].path);
  if (!pd_central_db_bump (self->db, "injected_faults", 1, &error))
    g_warning ("%s", error->message);
  return fault;
}

/* TRUE when the fault answered instead of the handler. */
static gboolean
inject_before (PdCentralServer *self,
               Request         *request,
               PdCentralFault   fault)
{
  guint8 garbage[48];

  switch (fault)
    {
    case PD_CENTRAL_FAULT_503:
      respond_retry_after (request->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "internal",
                           _("The central system is busy (injected fault). Try again later."),
                           pd_central_faults_get_retry_after (self->faults));
      return TRUE;
    case PD_CENTRAL_FAULT_500:
      respond_error (request->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                     _("The central system failed (injected fault). Try again later."));
      return TRUE;
    case PD_CENTRAL_FAULT_GARBAGE:
      pd_central_faults_fill_garbage (self->faults, garbage, sizeof garbage);
      soup_server_message_set_status (request->msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (request->msg, "application/json", SOUP_MEMORY_COPY,
                                        (const char *) garbage, sizeof garbage);
      return TRUE;
    case PD_CENTRAL_FAULT_NONE:
    case PD_CENTRAL_FAULT_TRUNCATE:
    case PD_CENTRAL_FAULT_SLOW:
    case PD_CENTRAL_FAULT_COMMIT_THEN_503:
    case PD_CENTRAL_N_FAULTS:
    default:
      return FALSE;
    }
}

static void
inject_after (PdCentralServer *self,
              Request         *request,
              PdCentralFault   fault)
{
  switch (fault)
    {
    case PD_CENTRAL_FAULT_COMMIT_THEN_503:
      respond_retry_after (request->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "internal",
                           _("The central system is busy (injected fault). Try again later."),
                           pd_central_faults_get_retry_after (self->faults));
      break;
    case PD_CENTRAL_FAULT_TRUNCATE:
    case PD_CENTRAL_FAULT_SLOW:
      misanswer (self, request->msg, fault);
      break;
    case PD_CENTRAL_FAULT_NONE:
    case PD_CENTRAL_FAULT_503:
    case PD_CENTRAL_FAULT_500:
    case PD_CENTRAL_FAULT_GARBAGE:
    case PD_CENTRAL_N_FAULTS:
    default:
      break;
    }
}

/* Authentication --------------------------------------------------------------------------- */

static const char *
get_header (Request    *request,
            const char *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (request->msg), name);
}

static gboolean
parse_time (const char *text,
            gint64     *value)
{
  gint64 number;

  if (text == NULL || *text == '\0' || strlen (text) > 18)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  number = g_ascii_strtoll (text, NULL, 10);
  *value = number;
  return TRUE;
}

/* Returns FALSE if @signature was seen within the clock window; remembers it until a request
 * made at @time is stale anyway. */
static gboolean
remember_signature (PdCentralServer *self,
                    const char      *signature,
                    gint64           time)
{
  gint64 now = now_seconds ();
  gpointer until;

  if (g_hash_table_lookup_extended (self->seen_signatures, signature, NULL, &until) &&
      GPOINTER_TO_SIZE (until) >= (gsize) now)
    return FALSE;
  /* Bounded by the rate of sign-ins within 5 minutes; forget the stale ones now and then. */
  if (g_hash_table_size (self->seen_signatures) >= 1024)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->seen_signatures);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (GPOINTER_TO_SIZE (value) < (gsize) now)
          g_hash_table_iter_remove (&iter);
    }
  g_hash_table_insert (self->seen_signatures, g_strdup (signature),
                       GSIZE_TO_POINTER ((gsize) (time + PD_CENTRAL_MAX_SKEW + 1)));
  return TRUE;
}

/* Responds and returns FALSE unless the request is signed by an enrolled device, recently. */
static gboolean
authenticate (PdCentralServer *self,
              Request         *request)
{
  GUri *uri = soup_server_message_get_uri (request->msg);
  const char *device_id = get_header (request, "X-Passdesk-Device");
  const char *time_text = get_header (request, "X-Passdesk-Time");
  const char *signature = get_header (request, "X-Passdesk-Signature");
  const char *authorization = get_header (request, "Authorization");
  g_autofree char *path_and_query = NULL;
  g_autofree char *office = NULL;
  guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES];
  gint64 time;

  if (device_id == NULL || time_text == NULL || signature == NULL)
    {
      respond_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "invalid_signature",
                     _("The request is not signed. Enroll the station and sign every request."));
      return FALSE;
    }
  if (!pd_central_db_lookup_device (self->db, device_id, public_key, &office))
    {
      respond_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "unknown_device",
                     _("This station is not enrolled with the central system. Enroll it again with a new code."));
      return FALSE;
    }
  if (!parse_time (time_text, &time) || ABS (time - now_seconds ()) > PD_CENTRAL_MAX_SKEW)
    {
      respond_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "stale_request",
                     _("The station’s clock differs from the central system’s by more than 5 minutes. Set the date and time of the computer."));
      return FALSE;
    }

  path_and_query = g_uri_get_query (uri)
    ? g_strconcat (g_uri_get_path (uri), "?", g_uri_get_query (uri), NULL)
    : g_strdup (g_uri_get_path (uri));
  if (!pd_request_verify (soup_server_message_get_method (request->msg), path_and_query, time,
                          request->body, request->body_length, signature, public_key, NULL))
    {
      respond_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "invalid_signature",
                     _("The request signature does not verify. Check that the station is enrolled with this central system."));
      return FALSE;
    }

  /* A sign-in answers with a token: the same signed request seen again within the clock
   * window is a replay. Ed25519 signatures are deterministic, so the signature names the
   * request. Other requests are idempotent by the ids they carry (packets, tickets,
   * bookings), or reads. */
  if (request->route == ROUTE_SESSIONS && !remember_signature (self, signature, time))
    {
      respond_retry_after (request->msg, 425, "replayed_request",
                           _("This sign-in request was already received. Sign in again."), 1);
      return FALSE;
    }

  request->device_id = g_strdup (device_id);
  request->office_code = g_steal_pointer (&office);

  if (authorization != NULL)
    {
      if (!g_str_has_prefix (authorization, "Bearer ") ||
          (request->officer = pd_central_db_lookup_session (self->db, authorization + strlen ("Bearer "),
                                                            request->device_id, now_seconds ())) == NULL)
        {
          respond_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "bad_credentials",
                         _("The officer’s session is unknown or expired. Sign in again."));
          return FALSE;
        }
    }
  return TRUE;
}

/* Endpoints -------------------------------------------------------------------------------- */

static void
handle_time (PdCentralServer *self,
             Request         *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "server_time");
  json_builder_add_int_value (builder, now_seconds ());
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_int_value (builder, 1);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  respond_json (request->msg, SOUP_STATUS_OK, node);
}

static void
respond_request_error (SoupServerMessage *msg,
                       const GError      *error)
{
  respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                 g_error_matches (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_BAD_JSON)
                   ? "bad_json" : "bad_request",
                 error->message);
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

static void
handle_devices (PdCentralServer *self,
                Request         *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralEnrollment) enrollment = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) office = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *office_code = NULL;
  g_autofree char *address = address_key (request->msg);
  gint64 retry_after = 1;
  gboolean first_refusal = FALSE;

  /* Codes are short enough to be guessed without a bound on the attempts; every attempt
   * counts until it succeeds, so that attempts in parallel count too. */
  if (!rate_take (self->enrollment_buckets, &enrollment_limit, address, &retry_after, &first_refusal))
    {
      /* One audit row per run of refusals, not one per guess. */
      if (first_refusal && !pd_central_db_audit (self->db, NULL, "enrollment_rate_limited", address, NULL, &error))
        g_warning ("%s", error->message);
      respond_retry_after (request->msg, 429, "rate_limited",
                           _("Too many failed enrollments from this network. Wait a few minutes, then try again."),
                           retry_after);
      return;
    }

  enrollment = pd_central_enrollment_parse ((const char *) request->body, request->body_length, &error);
  if (enrollment == NULL)
    {
      respond_request_error (request->msg, error);
      return;
    }

  device_id = pd_central_db_enroll_device (self->db, enrollment->code, enrollment->public_key,
                                           enrollment->name, &office_code, &error);
  if (device_id == NULL)
    {
      if (g_error_matches (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_BAD_CODE))
        {
          g_autoptr(GError) audit_error = NULL;

          if (!pd_central_db_audit (self->db, NULL, "enrollment_refused", enrollment->code,
                                    enrollment->name, &audit_error))
            g_warning ("%s", audit_error->message);
          respond_error (request->msg, SOUP_STATUS_FORBIDDEN, "bad_enrollment_code", error->message);
        }
      else
        respond_internal (request->msg, error);
      return;
    }
  rate_refund (self->enrollment_buckets, &enrollment_limit, address);
  office = pd_central_db_get_office (self->db, office_code, NULL, &error);
  if (office == NULL)
    {
      respond_internal (request->msg, error);
      return;
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
  json_builder_add_int_value (builder, now_seconds ());
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  respond_json (request->msg, SOUP_STATUS_CREATED, node);
}

typedef struct {
  PdCentralServer   *self;
  SoupServerMessage *msg;
  char              *device_id;
  char              *office_code;   /* the station's */
  char              *key;           /* in sign_ins */
  char              *address;       /* in sign_in_buckets */
  char              *username;
  char              *password;
  char              *verifier;
  gboolean           known;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_object_unref (sign_in->self);
  g_object_unref (sign_in->msg);
  g_free (sign_in->device_id);
  g_free (sign_in->office_code);
  g_free (sign_in->key);
  g_free (sign_in->address);
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

static void
sign_in_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PdCentralServer *self = PD_CENTRAL_SERVER (object);
  SignIn *sign_in = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralOfficer) officer = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *token = NULL;
  gboolean verified = g_task_propagate_boolean (G_TASK (result), NULL);
  guint in_flight = GPOINTER_TO_UINT (g_hash_table_lookup (self->sign_ins, sign_in->key));
  gint64 expires_at = now_seconds () + PD_CENTRAL_SESSION_SECONDS;

  if (in_flight <= 1)
    g_hash_table_remove (self->sign_ins, sign_in->key);
  else
    g_hash_table_insert (self->sign_ins, g_strdup (sign_in->key), GUINT_TO_POINTER (in_flight - 1));

  soup_server_message_unpause (sign_in->msg);

  if (!verified || !sign_in->known ||
      (officer = pd_central_db_lookup_officer (self->db, sign_in->username)) == NULL)
    {
      if (!pd_central_db_audit (self->db, sign_in->device_id, "sign_in_failed", sign_in->username,
                                NULL, &error) ||
          !pd_central_db_bump (self->db, "sign_in_failures", 1, &error))
        g_warning ("%s", error->message);
      respond_error (sign_in->msg, SOUP_STATUS_UNAUTHORIZED, "bad_credentials",
                     _("The username or password is wrong. Check them and try again."));
      return;
    }
  /* A token is bound to the station and its office: an officer of another office gets none
   * here (told so only once the password proved who they are). */
  if (g_strcmp0 (officer->office_code, sign_in->office_code) != 0)
    {
      g_autofree char *message = NULL;

      if (!pd_central_db_audit (self->db, sign_in->device_id, "sign_in_other_office", officer->username,
                                sign_in->office_code, &error))
        g_warning ("%s", error->message);
      message = g_strdup_printf (_("You are an officer of the office %s, and this station is enrolled for the "
                                   "office %s. Sign in at a station of your own office."),
                                 officer->office_code, sign_in->office_code);
      respond_error (sign_in->msg, SOUP_STATUS_FORBIDDEN, "wrong_office", message);
      return;
    }

  rate_refund (self->sign_in_buckets, &sign_in_limit, sign_in->address);
  token = pd_central_db_new_session (self->db, officer->username, sign_in->device_id, expires_at, &error);
  if (token == NULL ||
      !pd_central_db_audit (self->db, sign_in->device_id, "signed_in", officer->username, NULL, &error))
    {
      respond_internal (sign_in->msg, error);
      return;
    }

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
  node = json_builder_get_root (builder);
  respond_json (sign_in->msg, SOUP_STATUS_OK, node);
}

static void
handle_sessions (PdCentralServer *self,
                 Request         *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralSignIn) parsed = NULL;
  g_autoptr(PdCentralOfficer) officer = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  SignIn *sign_in;
  gint64 now = now_seconds ();
  gint64 oldest = now;
  guint failures;
  guint in_flight;
  g_autofree char *address = address_key (request->msg);
  gint64 retry_after = 1;
  gboolean first_refusal = FALSE;

  /* Each guess costs an Argon2id verification: bounded per client address too, whatever the
   * usernames and stations, and counted until it succeeds so that guesses in parallel count. */
  if (!rate_take (self->sign_in_buckets, &sign_in_limit, address, &retry_after, &first_refusal))
    {
      if (first_refusal && !pd_central_db_audit (self->db, request->device_id, "sign_in_address_rate_limited",
                                                 address, NULL, &error))
        g_warning ("%s", error->message);
      respond_retry_after (request->msg, 429, "rate_limited",
                           _("Too many sign-ins from this network. Wait a few minutes, then try again."),
                           retry_after);
      return;
    }

  parsed = pd_central_sign_in_parse ((const char *) request->body, request->body_length, &error);
  if (parsed == NULL)
    {
      respond_request_error (request->msg, error);
      return;
    }

  /* Failures count per officer and station: a station of another office (or a hostile one of
   * this office) guessing passwords locks the officer out of that station only, never out of
   * the counters where they work. */
  key = g_strconcat (parsed->username, "\n", request->device_id, NULL);
  in_flight = GPOINTER_TO_UINT (g_hash_table_lookup (self->sign_ins, key));
  failures = pd_central_db_count_audit (self->db, request->device_id, "sign_in_failed", parsed->username,
                                        now - PD_CENTRAL_SIGN_IN_WINDOW, &oldest);
  if (failures + in_flight >= PD_CENTRAL_SIGN_IN_FAILURES)
    {
      if (!pd_central_db_audit (self->db, request->device_id, "sign_in_rate_limited",
                                parsed->username, NULL, &error))
        g_warning ("%s", error->message);
      respond_retry_after (request->msg, 429, "rate_limited",
                           _("Too many failed sign-ins for this username at this station. Wait a few minutes, then try again."),
                           failures > 0 ? oldest + PD_CENTRAL_SIGN_IN_WINDOW - now : 1);
      return;
    }

  officer = pd_central_db_lookup_officer (self->db, parsed->username);
  sign_in = g_new0 (SignIn, 1);
  sign_in->self = g_object_ref (self);
  sign_in->msg = g_object_ref (request->msg);
  sign_in->device_id = g_strdup (request->device_id);
  sign_in->office_code = g_strdup (request->office_code);
  sign_in->key = g_strdup (key);
  sign_in->address = g_strdup (address);
  sign_in->username = g_strdup (parsed->username);
  sign_in->password = g_strdup (parsed->password);
  sign_in->known = officer != NULL;
  sign_in->verifier = g_strdup (officer ? officer->verifier : self->dummy_verifier);
  g_hash_table_insert (self->sign_ins, g_steal_pointer (&key), GUINT_TO_POINTER (in_flight + 1));

  /* Argon2id takes a tenth of a second and 64 MiB: never on the thread serving the others. */
  soup_server_message_pause (request->msg);
  task = g_task_new (self, NULL, sign_in_done, NULL);
  g_task_set_source_tag (task, handle_sessions);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  g_task_run_in_thread (task, verify_password_thread);
}

typedef struct {
  PdCentralPushItem    *item;
  PdCentralApplication *application;
  PdPrepared           *prepared;       /* a "declaration" packet's, instead of application */
  char                 *content;
  const char           *result;         /* "accepted", "duplicate", "rejected" */
  const char           *error_code;
  char                 *message;
  char                 *central_id;
  gint64                received_at;
} PushResult;

static void
push_result_clear (PushResult *result)
{
  g_clear_pointer (&result->application, pd_central_application_free);
  g_clear_pointer (&result->prepared, pd_prepared_free);
  g_clear_pointer (&result->content, g_free);
  g_clear_pointer (&result->message, g_free);
  g_clear_pointer (&result->central_id, g_free);
}

static void
reject (PushResult *result,
        const char *code,
        const char *message)
{
  result->result = "rejected";
  result->error_code = code;
  result->message = g_strdup (message);
}

/* Everything that does not need the database lock: signatures, opening, the dossier. */
static void
check_packet (PdCentralServer *self,
              PushResult      *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) inner = NULL;
  g_autoptr(JsonNode) node = NULL;
  const PdPacket *packet = result->item->packet;
  guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES];

  if (packet == NULL)
    {
      reject (result, "invalid_packet", result->item->problem);
      return;
    }
  if (!pd_central_db_lookup_device (self->db, packet->device_id, public_key, NULL))
    {
      reject (result, "unknown_device",
              _("The station that made this packet is not enrolled with the central system. Keep the packet and contact support."));
      return;
    }
  if (!pd_packet_verify (packet, public_key, &error))
    {
      reject (result, "invalid_signature", error->message);
      return;
    }
  inner = pd_packet_open (packet, pd_central_db_get_box_public_key (self->db),
                          pd_central_db_get_box_secret_key (self->db), &error);
  if (inner == NULL)
    {
      reject (result, "invalid_packet", error->message);
      return;
    }
  if (g_str_equal (packet->kind, PD_PACKET_KIND_DECLARATION))
    {
      result->prepared = pd_central_prepared_check (inner, &error);
      if (result->prepared == NULL)
        reject (result, "invalid_packet", error->message);
      return;
    }
  result->application = pd_central_application_check (inner, &error);
  if (result->application == NULL)
    {
      reject (result, "invalid_packet", error->message);
      return;
    }
  /* Who accepted is what the packet says, signed by the station that made it at acceptance,
   * and believed only if that station is a counter and the officer one of its office, allowed
   * to accept, who proved their password online at that very station (sync-protocol.md,
   * "Authorization"). A packet is pushed later, by anyone carrying it: the pusher's token says
   * nothing about who accepted. */
  switch (pd_central_db_check_acceptance (self->db, packet->device_id, result->application->accepted_by))
    {
    case PD_CENTRAL_ACCEPTANCE_OK:
      break;
    case PD_CENTRAL_ACCEPTANCE_NOT_A_COUNTER:
      reject (result, "forbidden_role",
              _("This application was made at a station that is not enrolled as a counter, where no one "
                "may accept applications. Keep the packet and contact support."));
      return;
    case PD_CENTRAL_ACCEPTANCE_UNKNOWN_OFFICER:
      reject (result, "forbidden_role",
              _("The officer named as accepting this application is not an officer of the office of the "
                "station that made it. Keep the packet and contact support."));
      return;
    case PD_CENTRAL_ACCEPTANCE_NOT_ALLOWED:
      reject (result, "forbidden_role",
              _("The person named as accepting this application may not accept applications. Ask an "
                "officer to check the application and accept it again."));
      return;
    case PD_CENTRAL_ACCEPTANCE_NEVER_SIGNED_IN:
    default:
      reject (result, "forbidden_role",
              _("The officer named as accepting this application never signed in online at the station "
                "that made it. Keep the packet and contact support."));
      return;
    }
  node = json_node_init_object (json_node_alloc (), inner);
  result->content = json_to_string (node, FALSE);
}

/* Within the push's transaction. */
static gboolean
store_prepared (PdCentralServer  *self,
                Request          *request,
                PushResult       *result,
                gint64            now,
                GError          **error)
{
  PdCentralPreparedOutcome outcome;

  if (!pd_central_prepared_store (self->db, result->item->packet, request->device_id, result->prepared,
                                  now, &outcome, &result->central_id, &result->received_at, error))
    return FALSE;
  switch (outcome)
    {
    case PD_CENTRAL_PREPARED_STORED:
      result->result = "accepted";
      return TRUE;
    case PD_CENTRAL_PREPARED_DUPLICATE:
      result->result = "duplicate";
      return TRUE;
    case PD_CENTRAL_PREPARED_TAKEN:
    default:
      {
        g_autofree char *message =
          g_strdup_printf (_("The central system already holds another prepared declaration with the "
                             "code %s (%s). Print the slip again to give the declaration a new code."),
                           result->prepared->code, result->central_id);

        g_clear_pointer (&result->central_id, g_free);
        reject (result, "already_received", message);
        return pd_central_db_audit (self->db, request->device_id, "packet_rejected",
                                    result->item->packet_id, result->error_code, error);
      }
    }
}

static gboolean
store_packets (PdCentralServer  *self,
               Request          *request,
               PushResult       *results,
               guint             n,
               GError          **error)
{
  guint n_duplicates = 0;
  guint n_rejected = 0;
  gint64 now = now_seconds ();

  if (!pd_central_db_begin (self->db, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      PushResult *result = &results[i];
      const PdPacket *packet = result->item->packet;
      gboolean found;

      if (result->result != NULL)
        {
          n_rejected++;
          if (!pd_central_db_audit (self->db, request->device_id, "packet_rejected",
                                    result->item->packet_id, result->error_code, error))
            goto fail;
          continue;
        }
      if (result->prepared != NULL)
        {
          if (!store_prepared (self, request, result, now, error))
            goto fail;
          n_duplicates += g_str_equal (result->result, "duplicate");
          n_rejected += g_str_equal (result->result, "rejected");
          continue;
        }
      if (!pd_central_db_find_receipt (self->db, packet->packet_id, &found, &result->central_id,
                                       &result->received_at, error))
        goto fail;
      if (found)
        {
          result->result = "duplicate";
          n_duplicates++;
          continue;
        }
      /* One application per dossier: a second packet of it (accepted again after a reopening
       * whose packet had left already) is refused, never stored twice (sync-protocol.md). */
      if (!pd_central_db_find_dossier (self->db, pd_dossier_get_uuid (result->application->dossier),
                                       &found, &result->central_id, &result->received_at, error))
        goto fail;
      if (found)
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (result->received_at);
          g_autofree char *date = g_date_time_format (when, "%d/%m/%Y");
          g_autofree char *message =
            g_strdup_printf (_("The central system already holds this application (%s, received on %s). "
                               "Ask the central office to return it before sending a new version."),
                             result->central_id, date);

          g_clear_pointer (&result->central_id, g_free);
          reject (result, "already_received", message);
          n_rejected++;
          if (!pd_central_db_audit (self->db, request->device_id, "packet_rejected",
                                    result->item->packet_id, result->error_code, error))
            goto fail;
          continue;
        }
      result->central_id = pd_central_db_insert_application (self->db, packet, request->device_id,
                                                             result->application, result->content,
                                                             now, error);
      if (result->central_id == NULL)
        goto fail;
      result->result = "accepted";
      result->received_at = now;
    }
  if (!pd_central_db_bump (self->db, "pushes", 1, error) ||
      !pd_central_db_bump (self->db, "packets_received", n, error) ||
      !pd_central_db_bump (self->db, "duplicate_pushes", n_duplicates, error) ||
      !pd_central_db_bump (self->db, "rejected_packets", n_rejected, error) ||
      !pd_central_db_commit (self->db, error))
    goto fail;
  return TRUE;

fail:
  pd_central_db_rollback (self->db);
  return FALSE;
}

static void
handle_packets (PdCentralServer *self,
                Request         *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  PushResult *results;
  gboolean stored;

  items = pd_central_push_parse ((const char *) request->body, request->body_length, &error);
  if (items == NULL)
    {
      respond_request_error (request->msg, error);
      return;
    }
  /* A volunteer prepares declarations; only an officer sends applications. */
  if (request->officer != NULL && g_str_equal (request->officer->role, "volunteer"))
    for (guint i = 0; i < items->len; i++)
      {
        PdCentralPushItem *item = g_ptr_array_index (items, i);

        /* A malformed packet is refused alone below, whoever sent it. */
        if (item->packet != NULL && !g_str_equal (item->packet->kind, PD_PACKET_KIND_DECLARATION))
          {
            respond_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden_role",
                           _("Volunteers cannot send accepted applications. Ask an officer to sign in."));
            return;
          }
      }

  results = g_new0 (PushResult, items->len);
  for (guint i = 0; i < items->len; i++)
    {
      results[i].item = g_ptr_array_index (items, i);
      check_packet (self, &results[i]);
    }
  stored = store_packets (self, request, results, items->len, &error);
  if (!stored)
    respond_internal (request->msg, error);
  else
    {
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "results");
      json_builder_begin_array (builder);
      for (guint i = 0; i < items->len; i++)
        {
          PushResult *result = &results[i];

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
      node = json_builder_get_root (builder);
      respond_json (request->msg, SOUP_STATUS_OK, node);
    }

  for (guint i = 0; i < items->len; i++)
    push_result_clear (&results[i]);
  g_free (results);
}

static void
respond_page (Request  *request,
              JsonNode *node,
              GError   *error)
{
  if (node == NULL)
    respond_internal (request->msg, error);
  else
    respond_json (request->msg, SOUP_STATUS_OK, node);
}

/* Returns FALSE after answering a request whose page query is wrong. */
static gboolean
parse_page (Request *request,
            gint64  *after,
            guint   *limit)
{
  g_autoptr(GError) error = NULL;

  if (pd_central_page_parse (request->query, after, limit, &error))
    return TRUE;
  respond_request_error (request->msg, error);
  return FALSE;
}

static void
handle_declarations (PdCentralServer *self,
                     Request         *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 after;
  guint limit;

  if (!parse_page (request, &after, &limit))
    return;
  /* Every online declaration of the office: counters need them (and mobile teams take them
   * on trips), an assisted-entry or entrance station must not hold other citizens' data. */
  if (!pd_central_prepared_may_read (self->db, request->device_id,
                                     request->officer ? request->officer->role : NULL))
    {
      respond_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden_role",
                     _("Only a counter station keeps the office’s online declarations. An assisted-entry "
                       "or entrance station looks a declaration up by its code."));
      return;
    }
  node = pd_central_db_list_declarations (self->db, request->office_code, after, limit, &error);
  respond_page (request, node, error);
}

static void
respond_not_found (Request      *request,
                   const GError *error)
{
  if (g_error_matches (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_NOT_FOUND))
    respond_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", error->message);
  else
    respond_internal (request->msg, error);
}

static void
respond_found (Request      *request,
               JsonNode     *node,
               const GError *error)
{
  if (node == NULL)
    respond_not_found (request, error);
  else
    respond_json (request->msg, SOUP_STATUS_OK, node);
}

static void
handle_declaration (PdCentralServer *self,
                    Request         *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *code = pd_declaration_code_parse (request->argument, NULL, NULL);

  if (code == NULL)
    {
      respond_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found",
                     _("This is not a declaration code. Check the code with the applicant."));
      return;
    }
  /* A prepared declaration holds the photo of a citizen who came to the office: it goes to
   * the office's counters only, never back to an assisted-entry station. */
  node = pd_central_prepared_get (self->db, code, request->office_code, &error);
  if (node != NULL &&
      !pd_central_prepared_may_read (self->db, request->device_id,
                                     request->officer ? request->officer->role : NULL))
    {
      respond_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden_role",
                     _("Only a counter station reads declarations prepared at assisted entry. Scan "
                       "the slip at a counter."));
      return;
    }
  if (node == NULL && g_error_matches (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      node = pd_central_db_get_declaration (self->db, code, request->office_code, &error);
    }
  respond_found (request, node, error);
}

static void
handle_reference (PdCentralServer *self,
                  Request         *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (request->argument != NULL)
    {
      node = pd_central_db_get_reference_table (self->db, request->argument, &error);
      respond_found (request, node, error);
      return;
    }
  node = pd_central_db_get_reference_versions (self->db, &error);
  respond_page (request, node, error);
}

static void
handle_statuses (PdCentralServer *self,
                 Request         *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 after;
  guint limit;

  if (!parse_page (request, &after, &limit))
    return;
  node = pd_central_db_list_statuses (self->db, request->device_id, after, limit, &error);
  respond_page (request, node, error);
}

static void
handle_station_keys (PdCentralServer *self,
                     Request         *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pd_central_db_list_station_keys (self->db, request->office_code, &error);

  respond_page (request, node, error);
}

/* Routing ---------------------------------------------------------------------------------- */

/* Returns FALSE if no route has @path; else the route, and the unescaped segment after a
 * "/x/" route. */
static gboolean
find_route (const char  *path,
            Route       *route,
            char       **argument)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      const char *pattern = routes[i].path;
      gsize length = strlen (pattern);

      if (pattern[length - 1] != '/')
        {
          if (g_str_equal (path, pattern))
            {
              *route = i;
              return TRUE;
            }
          continue;
        }
      if (strncmp (path, pattern, length) == 0 && path[length] != '\0' &&
          strchr (path + length, '/') == NULL)
        {
          *argument = g_uri_unescape_string (path + length, NULL);
          if (*argument == NULL || !g_utf8_validate (*argument, -1, NULL) || strlen (*argument) > 64)
            {
              g_clear_pointer (argument, g_free);
              return FALSE;
            }
          *route = i;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
is_json_content_type (SoupServerMessage *msg)
{
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                                            NULL);

  return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  PdCentralServer *self = user_data;
  g_auto(Request) request = { .self = self, .msg = msg };
  Body *body = g_object_get_data (G_OBJECT (msg), "pd-body");
  GUri *uri = soup_server_message_get_uri (msg);
  const char *method = soup_server_message_get_method (msg);
  PdCentralFault fault;

  if (body != NULL)
    {
      request.body = body->data->data;
      request.body_length = body->data->len;
    }
  request.query = g_uri_get_query (uri);

  if (!find_route (g_uri_get_path (uri), &request.route, &request.argument))
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                     _("The central system has no such address. Check the server address in the settings."));
      return;
    }
  if (!g_str_equal (method, routes[request.route].method))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    routes[request.route].method);
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "bad_request",
                     _("This address does not accept this method. Update Passdesk."));
      return;
    }
  if (g_str_equal (method, "POST") && !is_json_content_type (msg))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request",
                     _("The request body must be sent as application/json. Update Passdesk."));
      return;
    }
  if (routes[request.route].is_signed && !authenticate (self, &request))
    return;

  fault = draw_fault (self, &request);
  if (inject_before (self, &request, fault))
    return;

  switch (request.route)
    {
    case ROUTE_TIME:
      handle_time (self, &request);
      break;
    case ROUTE_DEVICES:
      handle_devices (self, &request);
      break;
    case ROUTE_SESSIONS:
      handle_sessions (self, &request);
      break;
    case ROUTE_PACKETS:
      handle_packets (self, &request);
      break;
    case ROUTE_DECLARATIONS:
      handle_declarations (self, &request);
      break;
    case ROUTE_DECLARATION:
      handle_declaration (self, &request);
      break;
    case ROUTE_REFERENCE:
    case ROUTE_REFERENCE_TABLE:
      handle_reference (self, &request);
      break;
    case ROUTE_STATUSES:
      handle_statuses (self, &request);
      break;
    case ROUTE_STATION_KEYS:
      handle_station_keys (self, &request);
      break;
    case ROUTE_QUEUE:
    case ROUTE_QUEUE_TICKETS:
    case ROUTE_QUEUE_CALLS:
    case ROUTE_QUEUE_APPOINTMENTS:
    case ROUTE_QUEUE_BOOKINGS:
    case ROUTE_QUEUE_SLIPS:
      {
        guint status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
        g_autoptr(JsonNode) node =
          pd_central_queue_handle (self->queue, request.route - ROUTE_QUEUE, request.office_code,
                                   request.query, request.body, request.body_length, &status);

        respond_json (msg, status, node);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  if (soup_server_message_get_status (msg) == SOUP_STATUS_OK)
    inject_after (self, &request, fault);
}

/* Object ----------------------------------------------------------------------------------- */

static void
pd_central_server_dispose (GObject *object)
{
  PdCentralServer *self = (PdCentralServer *) object;

  pd_central_server_shutdown (self);
  g_clear_object (&self->server);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (pd_central_server_parent_class)->dispose (object);
}

static void
pd_central_server_finalize (GObject *object)
{
  PdCentralServer *self = (PdCentralServer *) object;

  g_clear_pointer (&self->faults, pd_central_faults_free);
  g_clear_pointer (&self->sign_ins, g_hash_table_unref);
  g_clear_pointer (&self->seen_signatures, g_hash_table_unref);
  g_clear_pointer (&self->dummy_verifier, g_free);
  g_clear_pointer (&self->dribbles, g_ptr_array_unref);
  g_clear_pointer (&self->queue, pd_central_queue_free);
  g_clear_pointer (&self->connections, connections_free);
  g_clear_pointer (&self->enrollment_buckets, g_hash_table_unref);
  g_clear_pointer (&self->sign_in_buckets, g_hash_table_unref);

  G_OBJECT_CLASS (pd_central_server_parent_class)->finalize (object);
}

static void
pd_central_server_class_init (PdCentralServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pd_central_server_dispose;
  object_class->finalize = pd_central_server_finalize;
}

static void
pd_central_server_init (PdCentralServer *self)
{
  char verifier[crypto_pwhash_STRBYTES];
  guint8 password[16];

  self->sign_ins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->seen_signatures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->dribbles = g_ptr_array_new_with_free_func ((GDestroyNotify) dribble_stop);
  self->connections = g_new0 (Connections, 1);
  self->connections->sockets = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref,
                                                      (GDestroyNotify) tracked_free);
  self->connections->sweep = g_timeout_add_seconds (1, connections_sweep_cb, self->connections);
  self->connections->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->enrollment_buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->sign_in_buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  randombytes_buf (password, sizeof password);
  if (crypto_pwhash_str (verifier, (const char *) password, sizeof password,
                         crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0)
    self->dummy_verifier = g_strdup (verifier);
  else
    self->dummy_verifier = g_strdup ("");
}

PdCentralServer *
pd_central_server_new (PdCentralDb     *db,
                       GTlsCertificate *certificate,
                       PdCentralFaults *faults)
{
  PdCentralServer *self;

  g_return_val_if_fail (PD_CENTRAL_IS_DB (db), NULL);
  g_return_val_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate), NULL);

  self = g_object_new (PD_CENTRAL_TYPE_SERVER, NULL);
  self->db = g_object_ref (db);
  self->queue = pd_central_queue_new (db);
  self->faults = faults;
  self->https = certificate != NULL;
  /* Raw paths: the signature covers the path exactly as the station sent it. */
  self->server = soup_server_new ("server-header", "passdesk-central/" PACKAGE_VERSION " ",
                                  "raw-paths", TRUE,
                                  "tls-certificate", certificate,
                                  NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (on_request_started), self);
  soup_server_add_early_handler (self->server, NULL, handle_early, self, NULL);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);
  return self;
}

gboolean
pd_central_server_listen (PdCentralServer  *self,
                          const char       *address,
                          guint             port,
                          GError          **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (PD_CENTRAL_IS_SERVER (self), FALSE);

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address. Give a numeric address such as 127.0.0.1."), address);
      return FALSE;
    }
  if (!self->https && !g_inet_address_get_is_loopback (inet))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Plain HTTP is only served on loopback. Give --tls-cert and --tls-key to listen on %s."),
                   address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  return soup_server_listen (self->server, socket_address,
                             self->https ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
}

char *
pd_central_server_get_uri (PdCentralServer *self)
{
  GSList *uris = soup_server_get_uris (self->server);
  char *text = uris ? g_uri_to_string (uris->data) : NULL;

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return text;
}

void
pd_central_server_shutdown (PdCentralServer *self)
{
  g_return_if_fail (PD_CENTRAL_IS_SERVER (self));

  if (self->server)
    soup_server_disconnect (self->server);
  if (self->dribbles)
    g_ptr_array_set_size (self->dribbles, 0);
}
