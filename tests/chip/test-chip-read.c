/* test-chip-read.c: reading a chip through the real pcscd, the vpcd driver and the pd-vcard
 * test chip: a whole reading with BAC and with PACE (CAN or MRZ), a wrong key or CAN, a card taken
 * off, hostile answers (during PACE too), no card. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "pd-core.h"
#include "chip/pd-chip-session.h"
#include "chip/pd-chip-document.h"
#include "chip-test-card.h"

#define KEY_INFO "L898902C<:690806:940623"

static ChipTestCard *run;
static char *good_files;

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
  guint64       last_done, last_total;
  guint         progress_calls;
  gboolean      progress_backwards;
} Wait;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static void
progress_cb (guint64  done,
             guint64  total,
             gpointer user_data)
{
  Wait *wait = user_data;

  g_assert_cmpuint (done, <=, total);
  wait->progress_backwards |= done < wait->last_done;
  wait->last_done = done;
  wait->last_total = total;
  wait->progress_calls++;
}

static PdChipBacKey *
example_key (void)
{
  g_autoptr(GError) error = NULL;
  PdChipBacKey *key = pd_chip_bac_key_new ("L898902C", "690806", "940623", &error);

  g_assert_no_error (error);
  return key;
}

/* Reads the card with @key (NULL: the example's) and returns the files, or NULL with @error;
 * *@seconds is how long it took, *@access how the chip was opened. */
static GHashTable *
read_card_with (const PdChipBacKey  *key,
                const char          *reader_name,
                guint                timeout_ms,
                Wait                *wait,
                double              *seconds,
                PdChipAccess        *access,
                GError             **error)
{
  g_autoptr(PdChipReader) reader = pd_chip_reader_new (error);
  g_autoptr(PdChipBacKey) example = example_key ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait local = { 0 };
  gint64 start = g_get_monotonic_time ();
  GHashTable *files;

  if (reader == NULL)
    return NULL;
  if (wait == NULL)
    wait = &local;
  wait->loop = loop;
  pd_chip_read_async (reader, reader_name, timeout_ms, key != NULL ? key : example, progress_cb,
                      wait, NULL, done_cb, wait);
  g_main_loop_run (loop);
  files = pd_chip_read_finish (reader, wait->result, access, error);
  g_clear_object (&wait->result);
  if (seconds != NULL)
    *seconds = (g_get_monotonic_time () - start) / 1e6;
  return files;
}

static GHashTable *
read_card (const char   *reader_name,
           guint         timeout_ms,
           Wait         *wait,
           double       *seconds,
           GError      **error)
{
  return read_card_with (NULL, reader_name, timeout_ms, wait, seconds, NULL, error);
}

static void
assert_same_files (GHashTable *files,
                   const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) expected = pd_chip_files_load_folder (dir, &error);
  GHashTableIter iter;
  gpointer fid, bytes;

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (files), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &fid, &bytes))
    {
      GBytes *got = g_hash_table_lookup (files, fid);

      g_assert_nonnull (got);
      g_assert_true (g_bytes_equal (got, bytes));
    }
}

static void
test_full_read (gconstpointer data)
{
  gboolean extended = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  Wait wait = { 0 };
  double seconds;

  chip_test_card_insert (run, good_files, KEY_INFO, extended ? "--extended" : NULL, NULL);
  files = read_card (NULL, 5000, &wait, &seconds, &error);
  g_assert_no_error (error);
  assert_same_files (files, good_files);
  /* The six files: EF.CardAccess, EF.COM, DG1, DG2, DG13, EF.SOD. */
  g_assert_cmpuint (g_hash_table_size (files), ==, 6);
  g_assert_true (g_hash_table_contains (files, GUINT_TO_POINTER (PD_CHIP_FID_DG (13))));
  /* Progress ends at the real total and never goes back. */
  g_assert_cmpuint (wait.progress_calls, >, 3);
  g_assert_false (wait.progress_backwards);
  g_assert_cmpuint (wait.last_done, ==, wait.last_total);
  g_assert_cmpuint (wait.last_total, ==, 22 + 23 + 95 + 20000 + 604 + 2048);
  g_test_message ("read in %.3f s", seconds);

  /* The card stays on the reader: a second reading starts a new session and gets it all. */
  g_clear_pointer (&files, g_hash_table_unref);
  files = read_card (NULL, 5000, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same_files (files, good_files);
}

/* The saved folder is what the parser and the emulator read. */
static void
test_save_load (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autofree char *out = g_build_filename (run->dir, "saved", NULL);

  chip_test_card_insert (run, good_files, KEY_INFO, "--extended", NULL);
  files = read_card (NULL, 5000, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pd_chip_files_save_folder (files, out, &error));
  g_assert_no_error (error);
  assert_same_files (files, out);
  {
    g_autofree char *dg2 = g_build_filename (out, "0102", NULL);

    g_assert_true (g_file_test (dg2, G_FILE_TEST_IS_REGULAR));
  }
}

static void
test_wrong_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;

  chip_test_card_insert (run, good_files, "L898902C<:690806:940624", NULL);
  files = read_card (NULL, 5000, NULL, NULL, &error);
  g_assert_null (files);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY);
  g_assert_nonnull (strstr (error->message, "date of birth"));
}

/* The card leaves in the middle of DG2: an error within seconds, not a hang. */
static void
test_removed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  double seconds;

  chip_test_card_insert (run, good_files, KEY_INFO, "--disconnect-after=14", NULL);
  files = read_card (NULL, 5000, NULL, &seconds, &error);
  g_assert_null (files);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_REMOVED);
  g_assert_nonnull (strstr (error->message, "taken off the reader"));
  g_assert_cmpfloat (seconds, <, 5.0);
}

static void
test_hostile (gconstpointer data)
{
  const char *mode = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autofree char *dir = NULL;
  const char *flag = NULL;
  double seconds;

  if (g_str_has_prefix (mode, "--"))
    {
      dir = g_strdup (good_files);
      flag = mode;
    }
  else
    {
      g_autofree char *dg = NULL;

      dir = chip_test_card_make_files (run->dir, mode, 20000);
      if (g_str_equal (mode, "empty-dg13"))
        {
          dg = g_build_filename (dir, "010D", NULL);
          g_file_set_contents (dg, "", 0, &error);
        }
      else if (g_str_equal (mode, "past-the-data"))
        {
          /* The header says 30,000 bytes; the file holds 20,000. */
          dg = g_build_filename (dir, "0102", NULL);
          g_file_set_contents (dg, "\x75\x82\x75\x30" "abcdef", 10, &error);
        }
      else if (g_str_equal (mode, "deep-length"))
        {
          /* Four length bytes: 4 GB claimed. */
          dg = g_build_filename (dir, "0102", NULL);
          g_file_set_contents (dg, "\x75\x84\xFF\xFF\xFF\xFF" "abcdef", 12, &error);
        }
      else if (g_str_equal (mode, "bad-com"))
        {
          dg = g_build_filename (dir, "011E", NULL);
          g_file_set_contents (dg, "\x60\x05\x5C\x09\x61\x75\x6D", 7, &error);
        }
      else
        g_assert_not_reached ();
      g_assert_no_error (error);
    }

  chip_test_card_insert (run, dir, KEY_INFO, "--extended", flag, NULL);
  files = read_card (NULL, 5000, NULL, &seconds, &error);
  g_assert_null (files);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_BAD_ANSWER);
  g_assert_cmpfloat (seconds, <, 5.0);
}

static PdChipBacKey *
can_key (const char *can)
{
  g_autoptr(GError) error = NULL;
  PdChipBacKey *key = pd_chip_bac_key_new_for_can (can, &error);

  g_assert_no_error (error);
  return key;
}

/* A card that takes only PACE (BAC refused), read with its CAN: every file, through AES secure
 * messaging, over extended and short APDUs; and again on the same card. */
static void
test_pace_can (gconstpointer data)
{
  gboolean extended = GPOINTER_TO_INT (data);
  g_autoptr(PdChipBacKey) key = can_key ("123456");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  PdChipAccess access = PD_CHIP_ACCESS_BAC;
  Wait wait = { 0 };
  double seconds;

  chip_test_card_insert (run, good_files, KEY_INFO, "--pace", "--can=123456", "--no-bac",
                         extended ? "--extended" : NULL, NULL);
  files = read_card_with (key, NULL, 5000, &wait, &seconds, &access, &error);
  g_assert_no_error (error);
  g_assert_cmpint (access, ==, PD_CHIP_ACCESS_PACE);
  assert_same_files (files, good_files);
  g_assert_cmpuint (g_hash_table_size (files), ==, 6);
  g_assert_false (wait.progress_backwards);
  g_assert_cmpuint (wait.last_done, ==, wait.last_total);
  g_test_message ("read with PACE in %.3f s", seconds);

  g_clear_pointer (&files, g_hash_table_unref);
  files = read_card_with (key, NULL, 5000, NULL, NULL, &access, &error);
  g_assert_no_error (error);
  assert_same_files (files, good_files);
}

/* The MRZ information as PACE's password, on a card that takes only PACE. */
static void
test_pace_mrz (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  PdChipAccess access = PD_CHIP_ACCESS_BAC;

  chip_test_card_insert (run, good_files, KEY_INFO, "--pace", "--no-bac", "--extended", NULL);
  files = read_card_with (NULL, NULL, 5000, NULL, NULL, &access, &error);
  g_assert_no_error (error);
  g_assert_cmpint (access, ==, PD_CHIP_ACCESS_PACE);
  assert_same_files (files, good_files);
}

/* The other PACE variants OpenPACE runs: 3DES (a PACEInfo that says so) and NIST P-256. */
static void
test_pace_variant (gconstpointer data)
{
  const char *variant = data;
  g_autoptr(PdChipBacKey) key = can_key ("123456");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autofree char *dir = chip_test_card_make_files (run->dir, variant, 3000);
  g_autofree char *path = g_build_filename (dir, "011C", NULL);
  guint8 card_access[] = { 0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07,
                           0x02, 0x02, 0x04, 0x02, 0x02, 0x02, 0x01, 0x02, 0x02, 0x01, 0x0D };
  PdChipAccess access = PD_CHIP_ACCESS_BAC;

  if (g_str_equal (variant, "3des"))
    card_access[15] = 0x01;  /* id-PACE-ECDH-GM-3DES-CBC-CBC */
  else
    card_access[21] = 0x0C;  /* NIST P-256 */
  g_file_set_contents (path, (const char *) card_access, sizeof card_access, &error);
  g_assert_no_error (error);

  chip_test_card_insert (run, dir, KEY_INFO, "--pace", "--can=123456", "--no-bac", NULL);
  files = read_card_with (key, NULL, 5000, NULL, NULL, &access, &error);
  g_assert_no_error (error);
  g_assert_cmpint (access, ==, PD_CHIP_ACCESS_PACE);
  assert_same_files (files, dir);
}

static void
test_pace_wrong_can (void)
{
  g_autoptr(PdChipBacKey) key = can_key ("123465");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;

  chip_test_card_insert (run, good_files, KEY_INFO, "--pace", "--can=123456", "--no-bac", NULL);
  files = read_card_with (key, NULL, 5000, NULL, NULL, NULL, &error);
  g_assert_null (files);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY);
  g_assert_nonnull (strstr (error->message, "access number (CAN)"));
}

/* A CCCD's key (number and dates) on a card whose CAN is not the number's last digits: PACE
 * with the derived CAN is refused, BAC opens it. */
static void
test_pace_cccd_fallback (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(PdChipBacKey) key = NULL;
  GDate birth, expiry;
  PdChipAccess access = PD_CHIP_ACCESS_PACE;

  g_date_set_dmy (&birth, 5, 3, 1990);
  g_date_set_dmy (&expiry, 5, 3, 2030);
  key = pd_chip_bac_key_new_for_cccd ("001190012345", &birth, &expiry, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pd_chip_bac_key_get_can (key), ==, "012345");

  chip_test_card_insert (run, good_files, "190012345:900305:300305", "--pace", "--can=999999", NULL);
  files = read_card_with (key, NULL, 5000, NULL, NULL, &access, &error);
  g_assert_no_error (error);
  g_assert_cmpint (access, ==, PD_CHIP_ACCESS_BAC);
  assert_same_files (files, good_files);

  /* A card that takes only PACE: the CAN's refusal is what the officer reads. */
  g_clear_pointer (&files, g_hash_table_unref);
  chip_test_card_insert (run, good_files, "190012345:900305:300305", "--pace", "--can=999999",
                         "--no-bac", NULL);
  files = read_card_with (key, NULL, 5000, NULL, NULL, NULL, &error);
  g_assert_null (files);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY);
  g_assert_nonnull (strstr (error->message, "access number (CAN)"));
}

/* A chip without EF.CardAccess takes only BAC: the MRZ key opens it with BAC; a CAN alone
 * cannot, and says so. */
static void
test_bac_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(PdChipBacKey) key = can_key ("123456");
  g_autofree char *dir = chip_test_card_make_files (run->dir, "bac-only", 3000);
  g_autofree char *access_file = g_build_filename (dir, "011C", NULL);
  PdChipAccess access = PD_CHIP_ACCESS_PACE;

  g_assert_cmpint (g_unlink (access_file), ==, 0);
  chip_test_card_insert (run, dir, KEY_INFO, NULL);
  files = read_card_with (NULL, NULL, 5000, NULL, NULL, &access, &error);
  g_assert_no_error (error);
  g_assert_cmpint (access, ==, PD_CHIP_ACCESS_BAC);
  assert_same_files (files, dir);
  g_assert_false (g_hash_table_contains (files, GUINT_TO_POINTER (PD_CHIP_FID_CARD_ACCESS)));

  g_clear_pointer (&files, g_hash_table_unref);
  files = read_card_with (key, NULL, 5000, NULL, NULL, NULL, &error);
  g_assert_null (files);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_WRONG_KEY);
  g_assert_nonnull (strstr (error->message, "does not offer PACE"));
}

/* Hostile answers during PACE: a wrong status word or a cut answer at each General
 * Authenticate step, a token that does not hold, a spoiled MAC once PACE's secure messaging
 * runs. A clear error within seconds, never a crash. */
static void
test_pace_hostile (gconstpointer data)
{
  const char *flag = data;
  g_autoptr(PdChipBacKey) key = can_key ("123456");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  double seconds;

  chip_test_card_insert (run, good_files, KEY_INFO, "--pace", "--can=123456", "--no-bac",
                         "--extended", flag, NULL);
  files = read_card_with (key, NULL, 5000, NULL, &seconds, NULL, &error);
  g_assert_null (files);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_BAD_ANSWER);
  g_assert_nonnull (strstr (error->message, "Hold the card still"));
  g_assert_cmpfloat (seconds, <, 5.0);
}

static void
test_no_card (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  double seconds;

  chip_test_card_remove (run);
  files = read_card (NULL, 700, NULL, &seconds, &error);
  g_assert_null (files);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_NO_CARD);
  g_assert_cmpfloat (seconds, >=, 0.6);
  g_assert_cmpfloat (seconds, <, 3.0);
}

static void
test_no_reader (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;

  files = read_card ("No Such Reader 00 00", 500, NULL, NULL, &error);
  g_assert_null (files);
  g_assert_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_NO_READER);
}

static void
cancel_soon (GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

/* Cancelling a wait for a card ends it at once. */
static void
test_cancel_wait (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipReader) reader = pd_chip_reader_new (&error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait wait = { loop };
  g_autofree char *name = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  chip_test_card_remove (run);
  pd_chip_reader_wait_card_async (reader, NULL, 0, cancellable, done_cb, &wait);
  g_timeout_add_once (200, (GSourceOnceFunc) cancel_soon, cancellable);
  g_main_loop_run (loop);
  name = pd_chip_reader_wait_card_finish (reader, wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_null (name);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

static int
run_cli (const char * const *argv,
         char              **out,
         char              **err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                      G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    g_error ("passdesk-cli %s died of signal %d: %s", argv[3], g_subprocess_get_term_sig (process), *err);
  return g_subprocess_get_exit_status (process);
}

static JsonObject *
authentication_of (const char *json_text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  g_assert_true (json_parser_load_from_data (parser, json_text, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "dg13"), "full_name"),
                   ==, "Nguyễn Thị Hồng Nhung");
  return json_object_ref (json_object_get_object_member (root, "authentication"));
}

/* `passdesk-cli chip read` end to end: a CCCD made and signed by make-test-chips, on the test
 * card, read with its number and dates through pcscd, parsed and passively authenticated. The
 * folder it writes is the card's and the face is the chip's; without the test CSCA the chip is
 * not verifiable, an altered one is altered (exit 1); a wrong date or no card is exit code 2. */
static void
test_cli (void)
{
  const char *cli = g_getenv ("PASSDESK_CLI");
  const char *chips = g_getenv ("PASSDESK_TEST_CHIPS");
  g_autofree char *out = g_build_filename (run->dir, "cli-dump", NULL);
  g_autofree char *photo = g_build_filename (run->dir, "cli-face.jpg", NULL);
  g_autofree char *dump = g_strdup_printf ("--dump=%s", out);
  g_autofree char *photo_out = g_strdup_printf ("--photo-out=%s", photo);
  g_autofree char *genuine = NULL, *altered = NULL, *csca_dir = NULL, *csca = NULL;
  g_autofree char *err = NULL, *json = NULL, *face = NULL;
  gsize face_length = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(JsonObject) authentication = NULL;
  const char *key = "190012345:900305:300305";

  g_assert_nonnull (cli);
  g_assert_nonnull (chips);
  genuine = g_build_filename (chips, "genuine", NULL);
  altered = g_build_filename (chips, "altered", NULL);
  csca_dir = g_build_filename (chips, "csca", NULL);
  csca = g_strdup_printf ("--csca=%s", csca_dir);

  {
    const char *argv[] = { cli, "chip", "read", "--id-number=001190012345", "--birth=1990-03-05",
                           "--expiry=2030-03-05", csca, dump, photo_out, "--json", NULL };

    chip_test_card_insert (run, genuine, key, "--extended", NULL);
    g_assert_cmpint (run_cli (argv, &json, &err), ==, 0);
    authentication = authentication_of (json);
    g_assert_cmpstr (json_object_get_string_member (authentication, "outcome"), ==, "genuine");
    files = pd_chip_files_load_folder (out, &error);
    g_assert_no_error (error);
    assert_same_files (files, genuine);
    g_assert_true (g_file_get_contents (photo, &face, &face_length, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (face_length, >, 10000);
    g_assert_cmpint ((guchar) face[0], ==, 0xFF);
    g_assert_cmpint ((guchar) face[1], ==, 0xD8);
    g_clear_pointer (&json, g_free);
    g_clear_pointer (&err, g_free);
    g_clear_pointer (&authentication, json_object_unref);
  }

  {
    const char *argv[] = { cli, "chip", "read", "--id-number=001190012345", "--birth=1990-03-05",
                           "--expiry=2030-03-05", "--json", NULL };

    chip_test_card_insert (run, genuine, key, NULL);
    g_assert_cmpint (run_cli (argv, &json, &err), ==, 1);
    authentication = authentication_of (json);
    g_assert_cmpstr (json_object_get_string_member (authentication, "outcome"), ==, "not-verifiable");
    g_clear_pointer (&json, g_free);
    g_clear_pointer (&err, g_free);
    g_clear_pointer (&authentication, json_object_unref);
  }

  {
    const char *argv[] = { cli, "chip", "read", "--id-number=001190012345", "--birth=1990-03-05",
                           "--expiry=2030-03-05", csca, "--json", NULL };

    chip_test_card_insert (run, altered, key, NULL);
    g_assert_cmpint (run_cli (argv, &json, &err), ==, 1);
    authentication = authentication_of (json);
    g_assert_cmpstr (json_object_get_string_member (authentication, "outcome"), ==, "altered");
    g_clear_pointer (&json, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *wrong[] = { cli, "chip", "read", "--id-number=001190012345", "--birth=1990-03-06",
                            "--expiry=2030-03-05", csca, NULL };
    const char *none[] = { cli, "chip", "read", "--id-number=001190012345", "--birth=1990-03-05",
                           "--expiry=2030-03-05", "--timeout=1", csca, NULL };

    chip_test_card_insert (run, genuine, key, NULL);
    g_assert_cmpint (run_cli (wrong, &json, &err), ==, 2);
    g_assert_nonnull (strstr (err, "refused the key"));
    g_clear_pointer (&json, g_free);
    g_clear_pointer (&err, g_free);

    chip_test_card_remove (run);
    g_assert_cmpint (run_cli (none, &json, &err), ==, 2);
    g_assert_nonnull (strstr (err, "No card"));
  }
}

static char *
access_of (const char *json_text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json_text, -1, &error));
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "access"));
}

/* `passdesk-cli chip read` with PACE: the CCCD that offers it, read with --can or with its
 * number and dates (the CAN is the number's last 6 digits), genuine, and "pace" in the JSON;
 * the BAC-only CCCD says "bac"; a wrong CAN, or one that is not 6 digits, is exit code 2. */
static void
test_cli_pace (void)
{
  const char *cli = g_getenv ("PASSDESK_CLI");
  const char *chips = g_getenv ("PASSDESK_TEST_CHIPS");
  g_autofree char *genuine = g_build_filename (chips, "genuine", NULL);
  g_autofree char *genuine_pace = g_build_filename (chips, "genuine-pace", NULL);
  g_autofree char *csca_dir = g_build_filename (chips, "csca", NULL);
  g_autofree char *csca = g_strdup_printf ("--csca=%s", csca_dir);
  const char *key = "190012345:900305:300305";
  const char *by_can[] = { cli, "chip", "read", "--can=012345", csca, "--json", NULL };
  const char *by_number[] = { cli, "chip", "read", "--id-number=001190012345", "--birth=1990-03-05",
                              "--expiry=2030-03-05", csca, "--json", NULL };
  const char *wrong_can[] = { cli, "chip", "read", "--can=012346", csca, "--json", NULL };
  const char *short_can[] = { cli, "chip", "read", "--can=12345", csca, NULL };
  const char *two_keys[] = { cli, "chip", "read", "--can=012345", "--mrz=X", csca, NULL };

  {
    g_autofree char *json = NULL, *err = NULL, *access = NULL;
    g_autoptr(JsonObject) authentication = NULL;

    chip_test_card_insert (run, genuine_pace, key, "--pace", "--can=012345", "--no-bac",
                           "--extended", NULL);
    g_assert_cmpint (run_cli (by_can, &json, &err), ==, 0);
    authentication = authentication_of (json);
    g_assert_cmpstr (json_object_get_string_member (authentication, "outcome"), ==, "genuine");
    access = access_of (json);
    g_assert_cmpstr (access, ==, "pace");
  }
  {
    g_autofree char *json = NULL, *err = NULL, *access = NULL;

    g_assert_cmpint (run_cli (by_number, &json, &err), ==, 0);
    access = access_of (json);
    g_assert_cmpstr (access, ==, "pace");
  }
  {
    g_autofree char *json = NULL, *err = NULL;

    g_assert_cmpint (run_cli (wrong_can, &json, &err), ==, 2);
    g_assert_nonnull (strstr (err, "access number (CAN)"));
    g_clear_pointer (&json, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (short_can, &json, &err), ==, 2);
    g_assert_nonnull (strstr (err, "must be 6 digits"));
    g_clear_pointer (&json, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (two_keys, &json, &err), ==, 2);
    g_assert_nonnull (strstr (err, "one way"));
  }
  {
    g_autofree char *json = NULL, *err = NULL, *access = NULL;

    chip_test_card_insert (run, genuine, key, "--extended", NULL);
    g_assert_cmpint (run_cli (by_number, &json, &err), ==, 0);
    access = access_of (json);
    g_assert_cmpstr (access, ==, "bac");
  }
}

/* The reader list names vpcd's two slots. */
static void
test_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipReader) reader = pd_chip_reader_new (&error);
  g_auto(GStrv) names = NULL;

  g_assert_no_error (error);
  names = pd_chip_reader_list (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), >=, 1);
  g_assert_true (g_str_has_prefix (names[0], "Virtual PCD"));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *skip_reason = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  pd_core_init ();

  run = chip_test_card_start_pcscd (&skip_reason);
  if (run == NULL)
    {
      g_test_add_data_func ("/chip/read/skipped", skip_reason, (GTestDataFunc) g_test_skip);
      return g_test_run ();
    }
  good_files = chip_test_card_make_files (run->dir, "good", 20000);

  g_test_add_func ("/chip/read/list", test_list);
  g_test_add_data_func ("/chip/read/full-extended", GINT_TO_POINTER (TRUE), test_full_read);
  g_test_add_data_func ("/chip/read/full-short", GINT_TO_POINTER (FALSE), test_full_read);
  g_test_add_func ("/chip/read/save-load", test_save_load);
  g_test_add_func ("/chip/read/wrong-key", test_wrong_key);
  g_test_add_func ("/chip/read/removed", test_removed);
  g_test_add_data_func ("/chip/read/hostile/wrong-sw", "--wrong-sw-after=12", test_hostile);
  g_test_add_data_func ("/chip/read/hostile/bad-mac", "--bad-mac-after=10", test_hostile);
  g_test_add_data_func ("/chip/read/hostile/long-answers", "--long-answers", test_hostile);
  g_test_add_data_func ("/chip/read/hostile/empty-dg13", "empty-dg13", test_hostile);
  g_test_add_data_func ("/chip/read/hostile/past-the-data", "past-the-data", test_hostile);
  g_test_add_data_func ("/chip/read/hostile/deep-length", "deep-length", test_hostile);
  g_test_add_data_func ("/chip/read/hostile/bad-com", "bad-com", test_hostile);
  g_test_add_data_func ("/chip/read/pace/can-extended", GINT_TO_POINTER (TRUE), test_pace_can);
  g_test_add_data_func ("/chip/read/pace/can-short", GINT_TO_POINTER (FALSE), test_pace_can);
  g_test_add_func ("/chip/read/pace/mrz", test_pace_mrz);
  g_test_add_data_func ("/chip/read/pace/3des", "3des", test_pace_variant);
  g_test_add_data_func ("/chip/read/pace/nist-p256", "nist-p256", test_pace_variant);
  g_test_add_func ("/chip/read/pace/wrong-can", test_pace_wrong_can);
  g_test_add_func ("/chip/read/pace/cccd-fallback", test_pace_cccd_fallback);
  g_test_add_func ("/chip/read/pace/bac-only-card", test_bac_only);
  for (guint step = 1; step <= 4; step++)
    {
      g_autofree char *wrong_sw = g_strdup_printf ("/chip/read/pace/hostile/wrong-sw-%u", step);
      g_autofree char *truncated = g_strdup_printf ("/chip/read/pace/hostile/truncated-%u", step);

      g_test_add_data_func_full (wrong_sw, g_strdup_printf ("--wrong-sw-ga=%u", step),
                                 test_pace_hostile, g_free);
      g_test_add_data_func_full (truncated, g_strdup_printf ("--truncate-ga=%u", step),
                                 test_pace_hostile, g_free);
    }
  g_test_add_data_func ("/chip/read/pace/hostile/bad-token", "--bad-token", test_pace_hostile);
  g_test_add_data_func ("/chip/read/pace/hostile/bad-mac", "--bad-mac-after=8", test_pace_hostile);
  g_test_add_func ("/chip/read/no-card", test_no_card);
  g_test_add_func ("/chip/read/no-reader", test_no_reader);
  g_test_add_func ("/chip/read/cancel-wait", test_cancel_wait);
  g_test_add_func ("/chip/read/cli", test_cli);
  g_test_add_func ("/chip/read/pace/cli", test_cli_pace);

  status = g_test_run ();
  chip_test_card_stop (run);
  g_free (good_files);
  return status;
}
