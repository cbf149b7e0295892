/* pd-central-server.c: the HTTP layer of the central system, on SoupServer.
 *
 * Listening, limits, timeouts, rate limits, authentication of requests, routing to the
 * HTTP-free handlers (pd-central-handler.h), and replies. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "pd-central-auth.h"
#include "pd-central-packets.h"
#include "pd-central-queue.h"
#include "pd-central-reply.h"
#include "pd-central-request.h"
#include "pd-central-server.h"
#include "pd-central-stats.h"

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
  /* Signature of a signed sign-in -> the Unix time until which a request with it could still
   * pass the clock check: a sign-in replayed verbatim is refused, not answered with a token. */
  GHashTable      *seen_signatures;
  PdCentralAuth   *auth;
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
  PdCentralPacketsRoute packets_route;  /* for the routes of pd_central_packets_handle() */
} routes[] = {
  [ROUTE_TIME] = { "/v1/time", "GET", FALSE, FALSE },
  [ROUTE_DEVICES] = { "/v1/devices", "POST", FALSE, FALSE },
  [ROUTE_SESSIONS] = { "/v1/sessions", "POST", TRUE, FALSE },
  [ROUTE_PACKETS] = { "/v1/packets", "POST", TRUE, TRUE, PD_CENTRAL_PACKETS_PUSH },
  [ROUTE_DECLARATIONS] = { "/v1/declarations", "GET", TRUE, TRUE, PD_CENTRAL_PACKETS_DECLARATIONS },
  [ROUTE_DECLARATION] = { "/v1/declarations/", "GET", TRUE, TRUE, PD_CENTRAL_PACKETS_DECLARATION },
  [ROUTE_REFERENCE] = { "/v1/reference", "GET", TRUE, TRUE, PD_CENTRAL_PACKETS_REFERENCE },
  [ROUTE_REFERENCE_TABLE] = { "/v1/reference/", "GET", TRUE, TRUE, PD_CENTRAL_PACKETS_REFERENCE },
  [ROUTE_STATUSES] = { "/v1/statuses", "GET", TRUE, TRUE, PD_CENTRAL_PACKETS_STATUSES },
  [ROUTE_STATION_KEYS] = { "/v1/station-keys", "GET", TRUE, TRUE },
  [ROUTE_QUEUE] = { "/v1/queue", "GET", TRUE, TRUE },
  [ROUTE_QUEUE_TICKETS] = { "/v1/queue/tickets", "POST", TRUE, TRUE },
  [ROUTE_QUEUE_CALLS] = { "/v1/queue/calls", "POST", TRUE, TRUE },
  [ROUTE_QUEUE_APPOINTMENTS] = { "/v1/queue/appointments", "GET", TRUE, TRUE },
  [ROUTE_QUEUE_BOOKINGS] = { "/v1/queue/bookings", "POST", TRUE, TRUE },
  [ROUTE_QUEUE_SLIPS] = { "/v1/queue/slips", "POST", TRUE, TRUE },
};

typedef struct {
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
    pd_central_error_node ("too_large", limit == PD_CENTRAL_MAX_BODY
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

/* Faults (pd-central-faults.c) -------------------------------------------------------------- */

/* Only the routes a station retries are subject to --inject; each fault drawn is counted. */
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

/* Authentication --------------------------------------------------------------------------- */

static const char *
get_header (Request    *request,
            const char *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (request->msg), name);
}

/* Returns FALSE if @signature was seen within the clock window; remembers it until a request
 * made at @time is stale anyway. */
static gboolean
remember_signature (PdCentralServer *self,
                    const char      *signature,
                    gint64           time)
{
  gint64 now = pd_central_now ();
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
      pd_central_reply_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "invalid_signature",
                     _("The request is not signed. Enroll the station and sign every request."));
      return FALSE;
    }
  if (!pd_central_db_lookup_device (self->db, device_id, public_key, &office))
    {
      pd_central_reply_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "unknown_device",
                     _("This station is not enrolled with the central system. Enroll it again with a new code."));
      return FALSE;
    }
  if (!pd_central_parse_request_time (time_text, &time) || ABS (time - pd_central_now ()) > PD_CENTRAL_MAX_SKEW)
    {
      pd_central_reply_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "stale_request",
                     _("The station’s clock differs from the central system’s by more than 5 minutes. Set the date and time of the computer."));
      return FALSE;
    }

  path_and_query = g_uri_get_query (uri)
    ? g_strconcat (g_uri_get_path (uri), "?", g_uri_get_query (uri), NULL)
    : g_strdup (g_uri_get_path (uri));
  if (!pd_request_verify (soup_server_message_get_method (request->msg), path_and_query, time,
                          request->body, request->body_length, signature, public_key, NULL))
    {
      pd_central_reply_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "invalid_signature",
                     _("The request signature does not verify. Check that the station is enrolled with this central system."));
      return FALSE;
    }

  /* A sign-in answers with a token: the same signed request seen again within the clock
   * window is a replay. Ed25519 signatures are deterministic, so the signature names the
   * request. Other requests are idempotent by the ids they carry (packets, tickets,
   * bookings), or reads. */
  if (request->route == ROUTE_SESSIONS && !remember_signature (self, signature, time))
    {
      pd_central_reply_retry_after (request->msg, 425, "replayed_request",
                           _("This sign-in request was already received. Sign in again."), 1);
      return FALSE;
    }

  request->device_id = g_strdup (device_id);
  request->office_code = g_steal_pointer (&office);

  if (authorization != NULL)
    {
      if (!g_str_has_prefix (authorization, "Bearer ") ||
          (request->officer = pd_central_db_lookup_session (self->db, authorization + strlen ("Bearer "),
                                                            request->device_id, pd_central_now ())) == NULL)
        {
          pd_central_reply_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "bad_credentials",
                         _("The officer’s session is unknown or expired. Sign in again."));
          return FALSE;
        }
    }
  return TRUE;
}

/* Endpoints -------------------------------------------------------------------------------- */

static PdCentralCaller
caller_of (Request *request)
{
  return (PdCentralCaller) {
    .device_id = request->device_id,
    .office_code = request->office_code,
    .officer = request->officer,
  };
}

static void
reply_node (SoupServerMessage *msg,
            guint              status,
            JsonNode          *node,
            const GError      *error)
{
  if (node == NULL)
    pd_central_reply_gerror (msg, error);
  else
    pd_central_reply_json (msg, status, node);
}

static void
handle_devices (PdCentralServer *self,
                Request         *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *address = address_key (request->msg);
  gint64 retry_after = 1;
  gboolean first_refusal = FALSE;
  gboolean proven = FALSE;

  /* Codes are short enough to be guessed without a bound on the attempts; every attempt
   * counts until it succeeds, so that attempts in parallel count too. */
  if (!rate_take (self->enrollment_buckets, &enrollment_limit, address, &retry_after, &first_refusal))
    {
      /* One audit row per run of refusals, not one per guess. */
      if (first_refusal && !pd_central_db_audit (self->db, NULL, "enrollment_rate_limited", address, NULL, &error))
        g_warning ("%s", error->message);
      pd_central_reply_retry_after (request->msg, 429, "rate_limited",
                                    _("Too many failed enrollments from this network. Wait a few minutes, then try again."),
                                    retry_after);
      return;
    }

  node = pd_central_auth_enroll (self->auth, request->body, request->body_length, &proven, &error);
  if (proven)
    rate_refund (self->enrollment_buckets, &enrollment_limit, address);
  reply_node (request->msg, SOUP_STATUS_CREATED, node, error);
}

typedef struct {
  PdCentralServer   *self;
  SoupServerMessage *msg;
  char              *address;       /* in sign_in_buckets */
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_object_unref (sign_in->self);
  g_object_unref (sign_in->msg);
  g_free (sign_in->address);
  g_free (sign_in);
}

static void
sign_in_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SignIn *sign_in = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gboolean proven = FALSE;

  node = pd_central_auth_sign_in_finish (PD_CENTRAL_AUTH (object), result, &proven, &error);
  soup_server_message_unpause (sign_in->msg);
  if (proven)
    rate_refund (sign_in->self->sign_in_buckets, &sign_in_limit, sign_in->address);
  reply_node (sign_in->msg, SOUP_STATUS_OK, node, error);
  sign_in_free (sign_in);
}

static void
handle_sessions (PdCentralServer *self,
                 Request         *request)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = address_key (request->msg);
  PdCentralCaller caller = caller_of (request);
  SignIn *sign_in;
  gint64 retry_after = 1;
  gboolean first_refusal = FALSE;

  /* Each guess costs an Argon2id verification: bounded per client address too, whatever the
   * usernames and stations, and counted until it succeeds so that guesses in parallel count. */
  if (!rate_take (self->sign_in_buckets, &sign_in_limit, address, &retry_after, &first_refusal))
    {
      if (first_refusal && !pd_central_db_audit (self->db, request->device_id, "sign_in_address_rate_limited",
                                                 address, NULL, &error))
        g_warning ("%s", error->message);
      pd_central_reply_retry_after (request->msg, 429, "rate_limited",
                                    _("Too many sign-ins from this network. Wait a few minutes, then try again."),
                                    retry_after);
      return;
    }

  sign_in = g_new0 (SignIn, 1);
  sign_in->self = g_object_ref (self);
  sign_in->msg = g_object_ref (request->msg);
  sign_in->address = g_steal_pointer (&address);
  soup_server_message_pause (request->msg);
  pd_central_auth_sign_in_async (self->auth, &caller, request->body, request->body_length, NULL,
                                 sign_in_done, sign_in);
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
          *argument = pd_central_route_argument (path + length);
          if (*argument == NULL)
            return FALSE;
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
  g_auto(Request) request = { .msg = msg };
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
      pd_central_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                     _("The central system has no such address. Check the server address in the settings."));
      return;
    }
  if (!g_str_equal (method, routes[request.route].method))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    routes[request.route].method);
      pd_central_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "bad_request",
                     _("This address does not accept this method. Update Passdesk."));
      return;
    }
  if (g_str_equal (method, "POST") && !is_json_content_type (msg))
    {
      pd_central_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request",
                     _("The request body must be sent as application/json. Update Passdesk."));
      return;
    }
  if (routes[request.route].is_signed && !authenticate (self, &request))
    return;

  fault = draw_fault (self, &request);
  if (self->faults != NULL && pd_central_faults_answer_before (self->faults, msg, fault))
    return;

  switch (request.route)
    {
    case ROUTE_TIME:
      {
        g_autoptr(JsonNode) node = pd_central_auth_time ();

        pd_central_reply_json (msg, SOUP_STATUS_OK, node);
      }
      break;
    case ROUTE_DEVICES:
      handle_devices (self, &request);
      break;
    case ROUTE_SESSIONS:
      handle_sessions (self, &request);
      break;
    case ROUTE_STATION_KEYS:
      {
        PdCentralCaller caller = caller_of (&request);
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) node = pd_central_auth_station_keys (self->auth, &caller, &error);

        reply_node (msg, SOUP_STATUS_OK, node, error);
      }
      break;
    case ROUTE_PACKETS:
    case ROUTE_DECLARATIONS:
    case ROUTE_DECLARATION:
    case ROUTE_REFERENCE:
    case ROUTE_REFERENCE_TABLE:
    case ROUTE_STATUSES:
      {
        PdCentralCaller caller = caller_of (&request);
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) node =
          pd_central_packets_handle (self->db, routes[request.route].packets_route, &caller, request.argument,
                                     request.query, request.body, request.body_length, &error);

        reply_node (msg, SOUP_STATUS_OK, node, error);
      }
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

        pd_central_reply_json (msg, status, node);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  if (soup_server_message_get_status (msg) == SOUP_STATUS_OK)
    pd_central_faults_answer_after (self->faults, msg, fault);
}

/* Object ----------------------------------------------------------------------------------- */

static void
pd_central_server_dispose (GObject *object)
{
  PdCentralServer *self = (PdCentralServer *) object;

  pd_central_server_shutdown (self);
  g_clear_object (&self->server);
  g_clear_object (&self->auth);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (pd_central_server_parent_class)->dispose (object);
}

static void
pd_central_server_finalize (GObject *object)
{
  PdCentralServer *self = (PdCentralServer *) object;

  g_clear_pointer (&self->faults, pd_central_faults_free);
  g_clear_pointer (&self->seen_signatures, g_hash_table_unref);
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
  self->seen_signatures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->connections = g_new0 (Connections, 1);
  self->connections->sockets = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref,
                                                      (GDestroyNotify) tracked_free);
  self->connections->sweep = g_timeout_add_seconds (1, connections_sweep_cb, self->connections);
  self->connections->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->enrollment_buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->sign_in_buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
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
  self->auth = pd_central_auth_new (db);
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
  if (self->faults)
    pd_central_faults_stop (self->faults);
}
