/* pd-central-faults.c: the test-only failure modes of --inject, all of them.
 *
 * Drawn deterministically, and answered in place of the real answer or spoiling it on the
 * wire. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "pd-central-faults.h"
#include "pd-central-reply.h"

/* A dribbled answer promises this much more than it has, so that it never completes. */
#define DRIBBLE_PADDING   (1024 * 1024)
#define DRIBBLE_INTERVAL  1000

typedef struct _Dribble Dribble;
static void dribble_stop (Dribble *dribble);

struct _PdCentralFaults
{
  GRand  *rand;
  double  probability[PD_CENTRAL_N_FAULTS];
  guint   retry_after;
  /* (element-type Dribble) connections a "slow" fault keeps open */
  GPtrArray *dribbles;
};

static const char * const fault_names[PD_CENTRAL_N_FAULTS] = {
  [PD_CENTRAL_FAULT_NONE] = "none",
  [PD_CENTRAL_FAULT_503] = "503",
  [PD_CENTRAL_FAULT_500] = "500",
  [PD_CENTRAL_FAULT_GARBAGE] = "garbage",
  [PD_CENTRAL_FAULT_TRUNCATE] = "truncate",
  [PD_CENTRAL_FAULT_SLOW] = "slow",
  [PD_CENTRAL_FAULT_COMMIT_THEN_503] = "commit-then-503",
};

const char *
pd_central_fault_to_string (PdCentralFault fault)
{
  g_return_val_if_fail (fault < PD_CENTRAL_N_FAULTS, NULL);
  return fault_names[fault];
}

static PdCentralFaults *
spec_error (PdCentralFaults  *faults,
            GError          **error,
            const char       *item)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not a fault: write MODE:PROBABILITY (modes 503, 500, garbage, truncate, slow, commit-then-503; probabilities adding up to at most 1) or retry-after:SECONDS"),
               item);
  pd_central_faults_free (faults);
  return NULL;
}

PdCentralFaults *
pd_central_faults_new (const char  *spec,
                       guint32      seed,
                       GError     **error)
{
  PdCentralFaults *faults = g_new0 (PdCentralFaults, 1);
  g_auto(GStrv) items = g_strsplit (spec, ",", -1);
  double total = 0;

  faults->retry_after = 1;
  for (guint i = 0; items[i]; i++)
    {
      char *item = g_strstrip (items[i]);
      char *colon = strchr (item, ':');
      const char *value;
      char *end = NULL;
      guint mode;

      if (*item == '\0')
        continue;
      if (colon == NULL)
        return spec_error (faults, error, item);
      *colon = '\0';
      value = colon + 1;

      if (g_str_equal (item, "retry-after"))
        {
          guint64 seconds;

          *colon = ':';
          if (!g_ascii_string_to_unsigned (value, 10, 0, 3600, &seconds, NULL))
            return spec_error (faults, error, item);
          faults->retry_after = (guint) seconds;
          continue;
        }

      for (mode = PD_CENTRAL_FAULT_503; mode < PD_CENTRAL_N_FAULTS; mode++)
        if (g_str_equal (item, fault_names[mode]))
          break;
      *colon = ':';
      if (mode == PD_CENTRAL_N_FAULTS)
        return spec_error (faults, error, item);
      faults->probability[mode] = g_ascii_strtod (value, &end);
      if (end == value || *end != '\0' || !(faults->probability[mode] >= 0 && faults->probability[mode] <= 1))
        return spec_error (faults, error, item);
      total += faults->probability[mode];
    }
  if (total > 1.0 + 1e-9)
    return spec_error (faults, error, spec);

  faults->rand = g_rand_new_with_seed (seed);
  faults->dribbles = g_ptr_array_new_with_free_func ((GDestroyNotify) dribble_stop);
  return faults;
}

void
pd_central_faults_free (PdCentralFaults *faults)
{
  if (faults == NULL)
    return;
  g_clear_pointer (&faults->rand, g_rand_free);
  g_clear_pointer (&faults->dribbles, g_ptr_array_unref);
  g_free (faults);
}

PdCentralFault
pd_central_faults_draw (PdCentralFaults *faults)
{
  double roll = g_rand_double (faults->rand);
  double sum = 0;

  for (guint mode = PD_CENTRAL_FAULT_503; mode < PD_CENTRAL_N_FAULTS; mode++)
    {
      sum += faults->probability[mode];
      if (roll < sum)
        return mode;
    }
  return PD_CENTRAL_FAULT_NONE;
}

/* Bytes that are not JSON, from the same deterministic sequence. */
static void
fill_garbage (PdCentralFaults *faults,
              guint8          *buffer,
              gsize            length)
{
  for (gsize i = 0; i < length; i++)
    buffer[i] = (guint8) g_rand_int_range (faults->rand, 0, 256);
  /* A body opening with a byte JSON never starts with cannot parse by chance. */
  if (length > 0)
    buffer[0] = 0xff;
}

static guint
get_retry_after (PdCentralFaults *faults)
{
  return faults->retry_after;
}

/* Reference counted: the server's list holds one reference, a pending write another, so
 * that the byte being written outlives a shutdown in the middle of it. */
struct _Dribble
{
  PdCentralFaults *faults;
  GIOStream       *stream;
  GBytes          *data;
  gsize            offset;
  guint            source;
  GCancellable    *cancellable;
};

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
        g_ptr_array_remove (dribble->faults->dribbles, dribble);
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
misanswer (PdCentralFaults   *faults,
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
      dribble->faults = faults;
      dribble->stream = stream;
      dribble->data = g_byte_array_free_to_bytes (bytes);
      dribble->cancellable = g_cancellable_new ();
      g_ptr_array_add (faults->dribbles, dribble);
      dribble_next (dribble);
    }
}


gboolean
pd_central_faults_answer_before (PdCentralFaults   *faults,
                                 SoupServerMessage *msg,
                                 PdCentralFault     fault)
{
  guint8 garbage[48];

  switch (fault)
    {
    case PD_CENTRAL_FAULT_503:
      pd_central_reply_retry_after (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "internal",
                                    _("The central system is busy (injected fault). Try again later."),
                                    get_retry_after (faults));
      return TRUE;
    case PD_CENTRAL_FAULT_500:
      pd_central_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                              _("The central system failed (injected fault). Try again later."));
      return TRUE;
    case PD_CENTRAL_FAULT_GARBAGE:
      fill_garbage (faults, garbage, sizeof garbage);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
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

void
pd_central_faults_answer_after (PdCentralFaults   *faults,
                                SoupServerMessage *msg,
                                PdCentralFault     fault)
{
  switch (fault)
    {
    case PD_CENTRAL_FAULT_COMMIT_THEN_503:
      pd_central_reply_retry_after (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "internal",
                                    _("The central system is busy (injected fault). Try again later."),
                                    get_retry_after (faults));
      break;
    case PD_CENTRAL_FAULT_TRUNCATE:
    case PD_CENTRAL_FAULT_SLOW:
      misanswer (faults, msg, fault);
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

void
pd_central_faults_stop (PdCentralFaults *faults)
{
  g_ptr_array_set_size (faults->dribbles, 0);
}
