/* pd-vcard.c: an ID card / passport chip for the tests, served to pcscd through the vpcd
 * reader driver (vsmartcard): BAC, secure messaging and READ BINARY over a folder of files
 * named by hex FID, with hostile modes to test the reader's side. With --pace it also takes
 * PACE (MSE:Set AT, General Authenticate) over the protocol its EF.CardAccess offers, with the
 * CAN (--can) or the MRZ information as the password; --no-bac makes it a card that only
 * takes PACE.
 *
 *   pd-vcard --port PORT --files DIR --mrz-info DOCNUMBER:YYMMDD:YYMMDD [options]
 *
 * vpcd listens on PORT; each message either way is a 2-byte big-endian length and its bytes.
 * A 1-byte message is a control: 0 power off, 1 power on, 2 reset, 4 "send the ATR"; anything
 * else is an APDU, answered with the response APDU. The card leaves the reader when this
 * program exits (or closes the connection with --disconnect-after).
 */
#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <gio/gio.h>
#include <openssl/rand.h>

#include "pd-core.h"
#include "chip/pd-chip-bac.h"
#include "chip/pd-chip-pace.h"
#include "chip/pd-chip-session.h"
#include "chip/pd-chip-document.h"

static int port = 35963;
static char *files_dir;
static char *mrz_info;
static gboolean extended;
static int disconnect_after = -1;
static int wrong_sw_after = -1;
static int bad_mac_after = -1;
static gboolean long_answers;
static gboolean pace;
static char *can;
static gboolean no_bac;
static int wrong_sw_ga = -1;
static int truncate_ga = -1;
static gboolean bad_token;
static gboolean quiet;

static const GOptionEntry entries[] = {
  { "port", 'p', 0, G_OPTION_ARG_INT, &port, "vpcd's TCP port on localhost", "PORT" },
  { "files", 'f', 0, G_OPTION_ARG_FILENAME, &files_dir, "Folder of the chip's files (hex FID names)", "DIR" },
  { "mrz-info", 'k', 0, G_OPTION_ARG_STRING, &mrz_info, "BAC key: document number, birth and expiry dates", "DOC:YYMMDD:YYMMDD" },
  { "extended", 'e', 0, G_OPTION_ARG_NONE, &extended, "Advertise and accept extended-length APDUs", NULL },
  { "disconnect-after", 0, 0, G_OPTION_ARG_INT, &disconnect_after, "Leave the reader after N APDUs (as a card taken off)", "N" },
  { "wrong-sw-after", 0, 0, G_OPTION_ARG_INT, &wrong_sw_after, "Answer 6F00 to every APDU after the first N", "N" },
  { "bad-mac-after", 0, 0, G_OPTION_ARG_INT, &bad_mac_after, "Spoil the MAC of every answer after the first N APDUs", "N" },
  { "long-answers", 0, 0, G_OPTION_ARG_NONE, &long_answers, "READ BINARY answers 16 bytes more than asked", NULL },
  { "pace", 0, 0, G_OPTION_ARG_NONE, &pace, "Take PACE as EF.CardAccess offers it", NULL },
  { "can", 0, 0, G_OPTION_ARG_STRING, &can, "PACE's card access number", "DIGITS" },
  { "no-bac", 0, 0, G_OPTION_ARG_NONE, &no_bac, "Refuse BAC (a card that only takes PACE)", NULL },
  { "wrong-sw-ga", 0, 0, G_OPTION_ARG_INT, &wrong_sw_ga, "Answer 6F00 to General Authenticate step N (1 to 4)", "N" },
  { "truncate-ga", 0, 0, G_OPTION_ARG_INT, &truncate_ga, "Cut the last 3 bytes of General Authenticate step N's answer", "N" },
  { "bad-token", 0, 0, G_OPTION_ARG_NONE, &bad_token, "Spoil the chip's PACE authentication token", NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Do not log each APDU", NULL },
  { NULL }
};

static const guint8 emrtd_aid[] = { 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01 };

typedef struct {
  GHashTable     *files;
  PdChipBacKey   *key;
  PdChipPaceCard *pace;
  guint           ga_step;  /* General Authenticate commands since MSE:Set AT */
  PdChipSm       *sm;
  gboolean      applet;
  gboolean      challenged;
  guint8        rnd_ic[8];
  GBytes       *selected;
  guint         apdus;
} Card;

static void
card_reset (Card *card)
{
  g_clear_pointer (&card->sm, pd_chip_sm_free);
  card->applet = FALSE;
  card->challenged = FALSE;
  card->selected = NULL;
}

static GBytes *
status (guint16 sw)
{
  guint8 bytes[2] = { sw >> 8, sw & 0xFF };

  return g_bytes_new (bytes, 2);
}

/* Answers a plain command: @out gets the data, the return value is the status word. */
static guint16
answer_plain (Card             *card,
              const PdChipApdu *apdu,
              GByteArray       *out)
{
  guint8 ins = apdu->header[1], p1 = apdu->header[2], p2 = apdu->header[3];

  if (apdu->extended && !extended)
    return 0x6700;
  switch (ins)
    {
    case 0xA4:
      if (p1 == 0x04)
        {
          if (apdu->lc != sizeof emrtd_aid || memcmp (apdu->data, emrtd_aid, sizeof emrtd_aid) != 0)
            return 0x6A82;
          /* After PACE, in the master file, the application is selected under its secure
           * messaging, which goes on. */
          if (card->sm == NULL)
            card_reset (card);
          card->applet = TRUE;
          return 0x9000;
        }
      if (p1 == 0x02 && apdu->lc == 2)
        {
          guint fid = apdu->data[0] << 8 | apdu->data[1];
          GBytes *file = g_hash_table_lookup (card->files, GUINT_TO_POINTER (fid));

          /* Before BAC only EF.CardAccess is readable. */
          if (card->sm == NULL && fid != PD_CHIP_FID_CARD_ACCESS)
            return file != NULL ? 0x6982 : 0x6A82;
          card->selected = file;
          return file != NULL ? 0x9000 : 0x6A82;
        }
      return 0x6A86;
    case 0x22:
      if (card->pace == NULL || card->sm != NULL || p1 != 0xC1 || p2 != 0xA4)
        return 0x6D00;
      card->ga_step = 0;
      return pd_chip_pace_card_set_at (card->pace, apdu->data, apdu->lc);
    case 0x86:
      {
        PdChipSm *sm = NULL;
        guint16 sw;

        if (card->pace == NULL || card->sm != NULL)
          return 0x6D00;
        card->ga_step++;
        if (wrong_sw_ga >= 0 && card->ga_step == (guint) wrong_sw_ga)
          return 0x6F00;
        sw = pd_chip_pace_card_authenticate (card->pace, apdu->data, apdu->lc, out, &sm);
        if (truncate_ga >= 0 && card->ga_step == (guint) truncate_ga && out->len >= 3)
          g_byte_array_set_size (out, out->len - 3);
        if (bad_token && sm != NULL)
          out->data[out->len - 1] ^= 0x01;
        card->sm = sm;
        return sw;
      }
    case 0x84:
      if (no_bac)
        return 0x6D00;
      if (!card->applet || apdu->le != 8)
        return 0x6985;
      RAND_bytes (card->rnd_ic, 8);
      card->challenged = TRUE;
      g_byte_array_append (out, card->rnd_ic, 8);
      return 0x9000;
    case 0x82:
      {
        guint8 k_ic[PD_CHIP_KEY_BYTES], answer[40];

        if (!card->challenged)
          return 0x6985;
        card->challenged = FALSE;
        RAND_bytes (k_ic, sizeof k_ic);
        card->sm = pd_chip_bac_answer (card->key, card->rnd_ic, k_ic, apdu->data, apdu->lc, answer);
        if (card->sm == NULL)
          return 0x6300;
        g_byte_array_append (out, answer, 40);
        return 0x9000;
      }
    case 0xB0:
      {
        gsize offset = (p1 & 0x7F) << 8 | p2, size;
        const guint8 *data;
        gsize n;

        if (card->selected == NULL || (p1 & 0x80))
          return 0x6986;
        data = g_bytes_get_data (card->selected, &size);
        if (offset > size)
          return 0x6B00;
        n = MIN (apdu->le, size - offset);
        if (long_answers && offset + n + 16 <= size)
          n += 16;
        g_byte_array_append (out, data + offset, n);
        return n < apdu->le && !long_answers ? 0x6282 : 0x9000;
      }
    default:
      return 0x6D00;
    }
}

static GBytes *
answer_apdu (Card         *card,
             const guint8 *apdu,
             gsize         length)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) error = NULL;
  PdChipApdu parsed;
  guint16 sw;

  card->apdus++;
  if (wrong_sw_after >= 0 && card->apdus > (guint) wrong_sw_after)
    return status (0x6F00);
  if (card->sm != NULL)
    {
      if ((apdu[0] & 0x0C) != 0x0C)
        {
          card_reset (card);
          return status (0x6987);
        }
      plain = pd_chip_sm_unwrap_command (card->sm, apdu, length, &error);
      if (plain == NULL)
        {
          card_reset (card);
          return status (0x6988);
        }
      apdu = g_bytes_get_data (plain, &length);
    }
  if (!pd_chip_apdu_parse (apdu, length, &parsed))
    return status (0x6700);
  sw = answer_plain (card, &parsed, out);
  /* The answers that open secure messaging go plain. */
  if (card->sm == NULL || parsed.header[1] == 0x82 || parsed.header[1] == 0x86)
    {
      g_byte_array_append (out, (guint8[]) { sw >> 8, sw & 0xFF }, 2);
      return g_byte_array_free_to_bytes (g_steal_pointer (&out));
    }
  {
    GBytes *wrapped = pd_chip_sm_wrap_response (card->sm, out->data, out->len, sw);
    gsize size;
    guint8 *bytes;

    if (wrapped == NULL || bad_mac_after < 0 || card->apdus <= (guint) bad_mac_after)
      return wrapped;
    bytes = g_bytes_unref_to_data (wrapped, &size);
    bytes[size - 3] ^= 0x01;  /* the MAC's last byte, before the status word */
    return g_bytes_new_take (bytes, size);
  }
}

static gboolean
send_message (GOutputStream *out,
              const guint8  *data,
              gsize          length,
              GError       **error)
{
  guint8 header[2] = { length >> 8, length & 0xFF };

  return g_output_stream_write_all (out, header, 2, NULL, NULL, error) &&
         g_output_stream_write_all (out, data, length, NULL, NULL, error) &&
         g_output_stream_flush (out, NULL, error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- a test chip for vpcd");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_auto(GStrv) key_parts = NULL;
  GInputStream *in;
  GOutputStream *out;
  Card card = { 0 };
  /* Contactless ATR: T=1, one historical block with card capabilities (bit 0x40 of the third
   * byte: extended Lc and Le). */
  guint8 atr[] = { 0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, 0x00, 0x00 };

  pd_core_init ();
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (files_dir == NULL || mrz_info == NULL)
    g_error ("--files and --mrz-info are needed");
  key_parts = g_strsplit (mrz_info, ":", 3);
  if (g_strv_length (key_parts) != 3)
    g_error ("--mrz-info is DOCUMENTNUMBER:YYMMDD:YYMMDD");
  card.key = pd_chip_bac_key_new (key_parts[0], key_parts[1], key_parts[2], &error);
  if (card.key == NULL)
    g_error ("%s", error->message);
  card.files = pd_chip_files_load_folder (files_dir, &error);
  if (card.files == NULL)
    g_error ("%s", error->message);
  if (pace)
    {
      card.pace = pd_chip_pace_card_new (g_hash_table_lookup (card.files,
                                                              GUINT_TO_POINTER (PD_CHIP_FID_CARD_ACCESS)),
                                         can, pd_chip_bac_key_get_mrz_info (card.key));
      if (card.pace == NULL)
        g_error ("--pace needs an EF.CardAccess (011C) that offers PACE");
    }
  if (extended)
    atr[8] = 0x40;
  for (guint i = 1; i < sizeof atr - 1; i++)
    atr[sizeof atr - 1] ^= atr[i];

  /* vpcd may not listen yet when pcscd has just started. */
  for (guint attempt = 0; connection == NULL; attempt++)
    {
      g_clear_error (&error);
      connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
      if (connection == NULL && attempt == 100)
        g_error ("cannot connect to vpcd on port %d: %s", port, error->message);
      if (connection == NULL)
        g_usleep (50000);
    }
  g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  for (;;)
    {
      guint8 header[2];
      g_autofree guint8 *message = NULL;
      g_autoptr(GBytes) response = NULL;
      gsize length, got = 0;

      /* vpcd writes a message's length and its bytes separately, without TCP_NODELAY: an ACK
       * held back here would hold its second write (Nagle) for 40 ms, every APDU. */
      g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP,
                           TCP_QUICKACK, 1, NULL);
      if (!g_input_stream_read_all (in, header, 2, &got, NULL, &error) || got != 2)
        break;
      length = header[0] << 8 | header[1];
      message = g_malloc (MAX (length, 1));
      if (!g_input_stream_read_all (in, message, length, &got, NULL, &error) || got != length)
        break;
      if (length == 1)
        {
          switch (message[0])
            {
            case 0:
            case 1:
            case 2:
              card_reset (&card);
              break;
            case 4:
              if (!send_message (out, atr, sizeof atr, &error))
                goto done;
              break;
            default:
              break;
            }
          continue;
        }
      if (disconnect_after >= 0 && card.apdus >= (guint) disconnect_after)
        break;
      response = answer_apdu (&card, message, length);
      if (!quiet)
        g_printerr ("pd-vcard: APDU %u: %zu bytes in, %zu out\n", card.apdus, length,
                    g_bytes_get_size (response));
      if (!send_message (out, g_bytes_get_data (response, NULL), g_bytes_get_size (response), &error))
        break;
    }
done:
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  card_reset (&card);
  pd_chip_bac_key_free (card.key);
  pd_chip_pace_card_free (card.pace);
  g_hash_table_unref (card.files);
  return 0;
}
