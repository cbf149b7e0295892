/* pd-chip-session.c: the APDU sequence of one chip reading, with PACE or BAC and secure
 * messaging. */
#define G_LOG_DOMAIN "pd-chip"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "pd-chip-session.h"
#include "pd-chip-document.h"
#include "pd-chip-pace.h"

/* With short APDUs a protected answer must fit 256 bytes: 223 plain bytes pad to 224, plus the
 * data objects' 18 bytes. With extended length one answer carries a whole DG2 in practice;
 * this keeps the protected answer within PC/SC's 64 KB buffer. */
#define SHORT_CHUNK    0xDF
#define EXTENDED_CHUNK 0xFF00
/* READ BINARY's offset is 15 bits; a file must end within one read after it. */
#define MAX_OFFSET     0x7FFF
/* No LDS1 file comes near this; a header that claims more is hostile or broken. */
#define MAX_FILE       (1024 * 1024)

static const guint8 emrtd_aid[] = { 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01 };

typedef struct {
  PdChipReader       *reader;
  PdChipSm           *sm;           /* NULL before PACE or BAC */
  gsize               chunk;
  GCancellable       *cancellable;
  PdChipProgressFunc  progress;
  gpointer            progress_data;
  guint64             done;
  guint64             total;
} Session;

static GError *
bad_answer (void)
{
  return g_error_new_literal (PD_CHIP_ERROR, PD_CHIP_ERROR_BAD_ANSWER,
                              _("The chip gave an answer that does not fit the passport "
                                "standard. Hold the card still on the reader and read it "
                                "again; if this repeats, the chip may be damaged."));
}

/* One command; with secure messaging once BAC is done. Returns the plain answer's data and
 * sets *@sw. */
static GBytes *
exchange (Session       *session,
          const guint8  *apdu,
          gsize          length,
          guint16       *sw,
          GError       **error)
{
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) response = NULL;
  const guint8 *data;
  gsize size;

  if (g_cancellable_set_error_if_cancelled (session->cancellable, error))
    return NULL;
  if (session->sm != NULL)
    {
      wrapped = pd_chip_sm_wrap_command (session->sm, apdu, length, error);
      if (wrapped == NULL)
        return NULL;
      apdu = g_bytes_get_data (wrapped, &length);
    }
  response = pd_chip_reader_transmit (session->reader, apdu, length, error);
  if (response == NULL)
    return NULL;
  data = g_bytes_get_data (response, &size);
  if (session->sm != NULL)
    return pd_chip_sm_unwrap_response (session->sm, data, size, sw, error);
  *sw = data[size - 2] << 8 | data[size - 1];
  return g_bytes_new (data, size - 2);
}

static gboolean
select_file (Session  *session,
             guint     fid,
             guint16  *sw,
             GError  **error)
{
  guint8 apdu[] = { 0x00, 0xA4, 0x02, 0x0C, 0x02, fid >> 8, fid & 0xFF };
  g_autoptr(GBytes) answer = exchange (session, apdu, sizeof apdu, sw, error);

  return answer != NULL;
}

static GBytes *
read_binary (Session  *session,
             gsize     offset,
             gsize     length,
             guint16  *sw,
             GError  **error)
{
  guint8 apdu[7] = { 0x00, 0xB0, offset >> 8, offset & 0xFF };
  gsize apdu_length;

  if (length <= 256)
    {
      apdu[4] = length & 0xFF;
      apdu_length = 5;
    }
  else
    {
      apdu[4] = 0;
      apdu[5] = (length >> 8) & 0xFF;
      apdu[6] = length & 0xFF;
      apdu_length = 7;
    }
  return exchange (session, apdu, apdu_length, sw, error);
}

static void
report_progress (Session *session)
{
  if (session->progress != NULL)
    session->progress (MIN (session->done, session->total), session->total,
                       session->progress_data);
}

static GError *
file_error (guint fid,
            guint16 sw)
{
  g_debug ("file %04X: status %04X", fid, sw);
  return g_error_new (PD_CHIP_ERROR, PD_CHIP_ERROR_BAD_ANSWER,
                      _("The chip could not give its file %04X (status %04X). Hold the card "
                        "still on the reader and read it again; if this repeats, the chip may "
                        "be damaged."), fid, sw);
}

/* Reads the selected file @fid: its TLV header first, for its length, then the rest in chunks
 * as large as the card takes. @estimate is what the progress total counted for it. */
static GBytes *
read_file (Session  *session,
           guint     fid,
           guint64   estimate,
           GError  **error)
{
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GByteArray) file = NULL;
  guint16 sw = 0;
  guint tag;
  gsize value_length, header_length, total;

  head = read_binary (session, 0, 4, &sw, error);
  if (head == NULL)
    return NULL;
  if ((sw != 0x9000 && sw != 0x6282) || g_bytes_get_size (head) == 0 ||
      g_bytes_get_size (head) > 4)
    {
      g_propagate_error (error, file_error (fid, sw));
      return NULL;
    }
  if (!pd_chip_tlv_header (g_bytes_get_data (head, NULL), g_bytes_get_size (head), &tag,
                           &value_length, &header_length) ||
      value_length > MAX_FILE)
    {
      g_propagate_error (error, bad_answer ());
      return NULL;
    }
  total = header_length + value_length;
  session->total = session->total - estimate + total;
  file = g_byte_array_sized_new (total);
  g_byte_array_append (file, g_bytes_get_data (head, NULL), MIN (g_bytes_get_size (head), total));
  session->done += file->len;
  report_progress (session);

  while (file->len < total)
    {
      g_autoptr(GBytes) part = NULL;
      gsize want = MIN (session->chunk, total - file->len);

      if (file->len > MAX_OFFSET)
        {
          g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_FAILED,
                       _("The chip's file %04X is too large for this reader. Read the card "
                         "with a reader that supports extended-length commands."), fid);
          return NULL;
        }
      part = read_binary (session, file->len, want, &sw, error);
      if (part == NULL)
        return NULL;
      /* A file that ends before its header says, or a card that answers nothing, stops the
       * reading instead of looping. */
      if ((sw != 0x9000 && sw != 0x6282) || g_bytes_get_size (part) == 0 ||
          g_bytes_get_size (part) > want)
        {
          g_propagate_error (error, file_error (fid, sw));
          return NULL;
        }
      g_byte_array_append (file, g_bytes_get_data (part, NULL), g_bytes_get_size (part));
      session->done += g_bytes_get_size (part);
      report_progress (session);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&file));
}

/* The card's capabilities in the ATR's historical bytes (ISO 7816-4, compact TLV 0x7X, third
 * byte bit 7): extended Lc and Le. */
static gboolean
atr_says_extended (GBytes *atr)
{
  gsize size = 0;
  const guint8 *p = atr != NULL ? g_bytes_get_data (atr, &size) : NULL;
  gsize i = 1, historical;
  guint8 y;

  if (size < 2)
    return FALSE;
  historical = p[1] & 0x0F;
  y = p[1] >> 4;
  i = 2;
  while (i < size)
    {
      guint8 td;

      i += !!(y & 1) + !!(y & 2) + !!(y & 4);
      if (!(y & 8))
        break;
      if (i >= size)
        return FALSE;
      td = p[i++];
      y = td >> 4;
    }
  if (i + historical > size || historical < 1 || p[i] != 0x80)
    return FALSE;
  for (gsize k = i + 1; k < i + historical;)
    {
      guint8 tag = p[k] >> 4, length = p[k] & 0x0F;

      if (k + 1 + length > i + historical)
        return FALSE;
      if (tag == 7 && length >= 3)
        return (p[k + 3] & 0x40) != 0;
      k += 1 + length;
    }
  return FALSE;
}

/* The data groups EF.COM lists (its tag list, DO'5C), as FIDs. */
static GArray *
parse_com (GBytes  *com,
           GError **error)
{
  gsize size;
  const guint8 *p = g_bytes_get_data (com, &size);
  guint tag;
  gsize length, header;
  gsize i;
  GArray *fids = g_array_new (FALSE, FALSE, sizeof (guint));

  if (!pd_chip_tlv_header (p, size, &tag, &length, &header) || tag != 0x60 ||
      length > size - header)
    goto bad;
  for (i = header; i < header + length;)
    {
      guint inner;
      gsize inner_length, inner_header;

      if (!pd_chip_tlv_header (p + i, header + length - i, &inner, &inner_length, &inner_header) ||
          inner_length > header + length - i - inner_header)
        goto bad;
      if (inner == 0x5C)
        for (gsize k = 0; k < inner_length; k++)
          {
            static const guint8 dg_tags[] = { 0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68,
                                              0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70 };
            const guint8 *at = memchr (dg_tags, p[i + inner_header + k], sizeof dg_tags);

            if (at != NULL)
              {
                guint fid = PD_CHIP_FID_DG (at - dg_tags + 1);

                g_array_append_val (fids, fid);
              }
          }
      i += inner_header + inner_length;
    }
  return fids;

bad:
  g_array_unref (fids);
  g_propagate_error (error, bad_answer ());
  return NULL;
}

static gboolean
authenticate (Session             *session,
              const PdChipBacKey  *key,
              GError             **error)
{
  static const guint8 get_challenge[] = { 0x00, 0x84, 0x00, 0x00, 0x08 };
  guint8 external[5 + 40 + 1] = { 0x00, 0x82, 0x00, 0x00, 0x28 };
  guint8 rnd_ifd[8], k_ifd[PD_CHIP_KEY_BYTES];
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) answer = NULL;
  guint16 sw = 0;
  gboolean ok = FALSE;

  challenge = exchange (session, get_challenge, sizeof get_challenge, &sw, error);
  if (challenge == NULL)
    return FALSE;
  if (sw != 0x9000 || g_bytes_get_size (challenge) != 8)
    {
      g_propagate_error (error, bad_answer ());
      return FALSE;
    }
  if (RAND_bytes (rnd_ifd, sizeof rnd_ifd) != 1 || RAND_bytes (k_ifd, sizeof k_ifd) != 1 ||
      !pd_chip_bac_authenticate_data (key, g_bytes_get_data (challenge, NULL), rnd_ifd, k_ifd,
                                      external + 5))
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_FAILED,
                           _("The system's cryptography library failed to make the chip's key."));
      goto out;
    }
  external[45] = 0x28;
  answer = exchange (session, external, sizeof external, &sw, error);
  if (answer == NULL)
    goto out;
  if (sw == 0x6300 || sw == 0x6982 || sw == 0x6985 || sw == 0x6A80)
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                           _("The card refused the key: check the ID number, date of birth "
                             "and expiry date scanned from the card."));
      goto out;
    }
  if (sw != 0x9000)
    {
      g_propagate_error (error, bad_answer ());
      goto out;
    }
  session->sm = pd_chip_bac_open (key, g_bytes_get_data (challenge, NULL), rnd_ifd, k_ifd,
                                  g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                                  error);
  ok = session->sm != NULL;

out:
  OPENSSL_cleanse (k_ifd, sizeof k_ifd);
  OPENSSL_cleanse (external, sizeof external);
  return ok;
}

/* PACE's commands go plain, before secure messaging. */
static GBytes *
transmit_plain (const guint8  *apdu,
                gsize          length,
                guint16       *sw,
                gpointer       user_data,
                GError       **error)
{
  return exchange (user_data, apdu, length, sw, error);
}

/* PACE when EF.CardAccess offers it; FALSE with *@error when the chip stays closed, TRUE with
 * session->sm NULL when BAC should try (the chip declined PACE, or refused a CAN derived from
 * the ID number while the MRZ information is there too; *@pace_error keeps why). */
static gboolean
try_pace (Session             *session,
          GBytes              *card_access,
          const PdChipBacKey  *key,
          GError             **pace_error,
          GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean refused = FALSE;
  gboolean has_mrz = pd_chip_bac_key_get_mrz_info (key) != NULL;

  if (!pd_chip_pace_offered (card_access))
    return TRUE;
  session->sm = pd_chip_pace_run (card_access, key, transmit_plain, session, &refused,
                                  &local_error);
  if (session->sm != NULL)
    return TRUE;
  if (has_mrz && (refused || g_error_matches (local_error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY)))
    {
      g_debug ("PACE did not open the chip (%s); trying BAC", local_error->message);
      g_propagate_error (pace_error, g_steal_pointer (&local_error));
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* What a file usually weighs, for the progress total before its header is read. */
static guint64
estimate_size (guint fid)
{
  switch (fid)
    {
    case PD_CHIP_FID_DG (2): return 20000;
    case PD_CHIP_FID_SOD:    return 2000;
    case PD_CHIP_FID_DG (1): return 100;
    default:                 return 500;
    }
}

GHashTable *
pd_chip_read_files (PdChipReader        *reader,
                    const PdChipBacKey  *key,
                    PdChipProgressFunc   progress,
                    gpointer             progress_data,
                    GCancellable        *cancellable,
                    PdChipAccess        *access,
                    GError             **error)
{
  static const guint wanted[] = { PD_CHIP_FID_DG (1), PD_CHIP_FID_DG (2), PD_CHIP_FID_DG (13),
                                  PD_CHIP_FID_DG (14), PD_CHIP_FID_DG (15) };
  g_autoptr(GHashTable) files = pd_chip_files_new ();
  g_autoptr(GBytes) atr = pd_chip_reader_get_atr (reader);
  g_autoptr(GArray) listed = NULL;
  g_autoptr(GArray) to_read = g_array_new (FALSE, FALSE, sizeof (guint));
  Session session = {
    .reader = reader, .cancellable = cancellable,
    .progress = progress, .progress_data = progress_data,
  };
  guint8 select_aid[5 + sizeof emrtd_aid] = { 0x00, 0xA4, 0x04, 0x0C, sizeof emrtd_aid };
  g_autoptr(GError) pace_error = NULL;
  GBytes *file;
  guint16 sw = 0;

  session.chunk = atr_says_extended (atr) ? EXTENDED_CHUNK : SHORT_CHUNK;

  /* EF.CardAccess, in the master file and unprotected, tells the chip's PACE parameters; the
   * parser keeps it with the rest. Cards without it answer 6A82. */
  session.total = estimate_size (PD_CHIP_FID_CARD_ACCESS);
  if (!select_file (&session, PD_CHIP_FID_CARD_ACCESS, &sw, error))
    return NULL;
  if (sw == 0x9000)
    {
      file = read_file (&session, PD_CHIP_FID_CARD_ACCESS, session.total, error);
      if (file == NULL)
        return NULL;
      g_hash_table_insert (files, GUINT_TO_POINTER (PD_CHIP_FID_CARD_ACCESS), file);
    }
  else
    session.total = 0;

  /* PACE runs in the master file; the application is then selected under its protection. */
  if (!try_pace (&session, g_hash_table_lookup (files, GUINT_TO_POINTER (PD_CHIP_FID_CARD_ACCESS)),
                 key, &pace_error, error))
    return NULL;

  memcpy (select_aid + 5, emrtd_aid, sizeof emrtd_aid);
  {
    g_autoptr(GBytes) answer = exchange (&session, select_aid, sizeof select_aid, &sw, error);

    if (answer == NULL)
      goto failed;
    if (sw != 0x9000)
      {
        g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_NOT_A_DOCUMENT,
                             _("This card has no passport or ID chip application. Put a "
                               "chip-based ID card (CCCD) or an e-passport on the reader."));
        goto failed;
      }
  }
  if (session.sm != NULL)
    {
      if (access != NULL)
        *access = PD_CHIP_ACCESS_PACE;
    }
  else if (pd_chip_bac_key_get_mrz_info (key) == NULL)
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY,
                           _("This chip does not offer PACE, so the card access number cannot "
                             "open it: read it with the ID number, date of birth and expiry "
                             "date, or with the MRZ."));
      return NULL;
    }
  else if (!authenticate (&session, key, error))
    {
      /* A card that refused the CAN and then BAC: the CAN's refusal says more. */
      if (g_error_matches (pace_error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY))
        {
          g_clear_error (error);
          g_propagate_error (error, g_steal_pointer (&pace_error));
        }
      g_clear_pointer (&session.sm, pd_chip_sm_free);
      return NULL;
    }
  else if (access != NULL)
    *access = PD_CHIP_ACCESS_BAC;

  session.total += estimate_size (PD_CHIP_FID_COM) + estimate_size (PD_CHIP_FID_SOD);
  if (!select_file (&session, PD_CHIP_FID_COM, &sw, error) ||
      (sw != 0x9000 && (g_propagate_error (error, file_error (PD_CHIP_FID_COM, sw)), TRUE)) ||
      (file = read_file (&session, PD_CHIP_FID_COM, estimate_size (PD_CHIP_FID_COM), error)) == NULL)
    goto failed;
  g_hash_table_insert (files, GUINT_TO_POINTER (PD_CHIP_FID_COM), file);
  listed = parse_com (file, error);
  if (listed == NULL)
    goto failed;
  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    for (guint k = 0; k < listed->len; k++)
      if (g_array_index (listed, guint, k) == wanted[i])
        {
          g_array_append_val (to_read, wanted[i]);
          session.total += estimate_size (wanted[i]);
          break;
        }
  {
    guint sod = PD_CHIP_FID_SOD;

    g_array_append_val (to_read, sod);
  }
  report_progress (&session);

  for (guint i = 0; i < to_read->len; i++)
    {
      guint fid = g_array_index (to_read, guint, i);

      if (!select_file (&session, fid, &sw, error))
        goto failed;
      if (sw != 0x9000)
        {
          /* EF.COM listed it: a chip without it is broken, not a document without a group. */
          g_propagate_error (error, file_error (fid, sw));
          goto failed;
        }
      file = read_file (&session, fid, estimate_size (fid), error);
      if (file == NULL)
        goto failed;
      g_hash_table_insert (files, GUINT_TO_POINTER (fid), file);
    }
  pd_chip_sm_free (session.sm);
  return g_steal_pointer (&files);

failed:
  pd_chip_sm_free (session.sm);
  return NULL;
}

typedef struct {
  char               *reader_name;
  guint               timeout_ms;
  PdChipBacKey       *key;
  PdChipAccess        access;
  PdChipProgressFunc  progress;
  gpointer            progress_data;
  GMainContext       *context;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_free (data->reader_name);
  pd_chip_bac_key_free (data->key);
  g_main_context_unref (data->context);
  g_free (data);
}

typedef struct {
  PdChipProgressFunc progress;
  gpointer           progress_data;
  guint64            done, total;
} ProgressCall;

static gboolean
progress_in_context (gpointer user_data)
{
  ProgressCall *call = user_data;

  call->progress (call->done, call->total, call->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_from_thread (guint64  done,
                      guint64  total,
                      gpointer user_data)
{
  ReadData *data = user_data;
  ProgressCall *call = g_new (ProgressCall, 1);

  *call = (ProgressCall) { data->progress, data->progress_data, done, total };
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, progress_in_context, call,
                              g_free);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PdChipReader *reader = source_object;
  ReadData *data = task_data;
  GError *error = NULL;
  g_autofree char *name = NULL;
  GHashTable *files = NULL;

  name = pd_chip_reader_wait_card (reader, data->reader_name, data->timeout_ms, cancellable,
                                   &error);
  if (name != NULL && pd_chip_reader_connect (reader, name, &error))
    {
      files = pd_chip_read_files (reader, data->key,
                                  data->progress != NULL ? progress_from_thread : NULL, data,
                                  cancellable, &data->access, &error);
      pd_chip_reader_disconnect (reader);
    }
  if (files == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, files, (GDestroyNotify) g_hash_table_unref);
}

void
pd_chip_read_async (PdChipReader        *reader,
                    const char          *reader_name,
                    guint                timeout_ms,
                    const PdChipBacKey  *key,
                    PdChipProgressFunc   progress,
                    gpointer             progress_data,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (reader, cancellable, callback, user_data);
  ReadData *data = g_new0 (ReadData, 1);

  g_return_if_fail (PD_IS_CHIP_READER (reader));
  g_return_if_fail (key != NULL);

  g_task_set_source_tag (task, pd_chip_read_async);
  data->reader_name = g_strdup (reader_name);
  data->timeout_ms = timeout_ms;
  data->key = pd_chip_bac_key_copy (key);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);
  g_task_run_in_thread (task, read_thread);
}

GHashTable *
pd_chip_read_finish (PdChipReader  *reader,
                     GAsyncResult  *result,
                     PdChipAccess  *access,
                     GError       **error)
{
  ReadData *data;

  g_return_val_if_fail (g_task_is_valid (result, reader), NULL);
  data = g_task_get_task_data (G_TASK (result));
  if (access != NULL)
    *access = data->access;
  return g_task_propagate_pointer (G_TASK (result), error);
}
