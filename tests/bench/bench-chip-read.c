/* bench-chip-read.c: a whole chip reading (EF.CardAccess, EF.COM, DG1, a 20 KB DG2, DG13, a
 * 2 KB EF.SOD) through the real pcscd, the vpcd driver and the pd-vcard test chip: the median
 * over runs and the APDUs, with BAC over extended-length and over short APDUs, and with PACE
 * (CAN, ECDH generic mapping on brainpoolP256r1, AES-128) over extended-length APDUs. The target is
 * under one second. Time from connecting to the card to the last file, the card already on the
 * reader (what an officer waits for once the card is down).
 *
 *   meson test -C build --benchmark bench-chip-read --verbose
 *   PD_VCARD=build/tests/chip/pd-vcard build/tests/bench/bench-chip-read [RUNS]
 *
 * Skips (exit 77) where pcscd or the vpcd driver is not installed.
 */
#include "config.h"

#include <stdlib.h>

#include "pd-core.h"
#include "chip/pd-chip-session.h"
#include "chip-test-card.h"

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
measure (ChipTestCard *run,
         const char   *files,
         gboolean      extended,
         gboolean      pace,
         guint         runs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdChipReader) reader = pd_chip_reader_new (&error);
  g_autoptr(PdChipBacKey) key = pace ? pd_chip_bac_key_new_for_can ("123456", &error)
                                     : pd_chip_bac_key_new ("L898902C", "690806", "940623", &error);
  PdChipAccess access = PD_CHIP_ACCESS_BAC;
  g_autofree double *seconds = g_new0 (double, runs);
  guint apdus = 0;
  gsize bytes = 0;

  g_assert_no_error (error);
  if (pace)
    chip_test_card_insert (run, files, "L898902C<:690806:940623", "--extended", "--pace",
                           "--can=123456", NULL);
  else
    chip_test_card_insert (run, files, "L898902C<:690806:940623",
                           extended ? "--extended" : NULL, NULL);
  for (guint i = 0; i < runs; i++)
    {
      g_autofree char *name = pd_chip_reader_wait_card (reader, NULL, 5000, NULL, &error);
      g_autoptr(GHashTable) read = NULL;
      GHashTableIter iter;
      gpointer value;
      gint64 start;

      g_assert_no_error (error);
      start = g_get_monotonic_time ();
      if (!pd_chip_reader_connect (reader, name, &error))
        g_error ("%s", error->message);
      read = pd_chip_read_files (reader, key, NULL, NULL, NULL, &access, &error);
      if (read == NULL)
        g_error ("%s", error->message);
      g_assert_true (access == (pace ? PD_CHIP_ACCESS_PACE : PD_CHIP_ACCESS_BAC));
      seconds[i] = (g_get_monotonic_time () - start) / 1e6;
      apdus = pd_chip_reader_get_apdu_count (reader);
      pd_chip_reader_disconnect (reader);
      bytes = 0;
      g_hash_table_iter_init (&iter, read);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        bytes += g_bytes_get_size (value);
    }
  qsort (seconds, runs, sizeof *seconds, compare_doubles);
  g_print ("%-22s median %.3f s (min %.3f, max %.3f) over %u runs, %u APDUs, %zu bytes\n",
           pace ? "PACE, extended length" : extended ? "extended-length APDUs" : "short APDUs", seconds[runs / 2], seconds[0],
           seconds[runs - 1], runs, apdus, bytes);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *skip_reason = NULL;
  g_autofree char *files = NULL;
  guint runs = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 7;
  ChipTestCard *run;

  pd_core_init ();
  if (runs < 5)
    runs = 5;
  run = chip_test_card_start_pcscd (&skip_reason);
  if (run == NULL)
    {
      g_print ("skipped: %s\n", skip_reason);
      return 77;
    }
  files = chip_test_card_make_files (run->dir, "bench", 20000);
  measure (run, files, TRUE, FALSE, runs);
  measure (run, files, FALSE, FALSE, runs);
  measure (run, files, TRUE, TRUE, runs);
  chip_test_card_stop (run);
  return 0;
}
