/* bench-chip.c: how long reading a chip takes once its files are in memory: parsing every
 * data group (pd_chip_document_new) and passive authentication against a one-CSCA store, for
 * the test CCCD (JPEG face, ~25 KB DG2) and the test passport (JPEG 2000 face, also decoded).
 *
 *   ninja -C BUILD tests/chip/chips.stamp tests/bench/bench-chip
 *   BUILD/tests/bench/bench-chip BUILD/tests/chip/chips [REPETITIONS]
 *
 * Prints the median and the slowest of REPETITIONS (default 200) runs of each step.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "pd-chip-document.h"
#include "pd-core.h"
#include "pd-test-support.h"

static void
report (const char *what,
        GArray     *times)
{
  double max = 0;

  for (guint i = 0; i < times->len; i++)
    max = MAX (max, g_array_index (times, double, i));
  printf ("%-44s median %8.3f ms   max %8.3f ms\n", what, pd_test_median (times), max);
}

static void
bench (const char  *chips,
       const char  *name,
       PdChipTrust *trust,
       guint        repetitions)
{
  g_autofree char *folder = g_build_filename (chips, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) files = pd_chip_files_load_folder (folder, &error);
  g_autoptr(GArray) parse = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pa = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) total = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) decode = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *label = NULL;

  if (files == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < repetitions; i++)
    {
      gint64 start = g_get_monotonic_time (), parsed, authenticated;
      g_autoptr(PdChipDocument) document = pd_chip_document_new (files, &error);
      g_autoptr(PdChipPaResult) result = NULL;
      double ms;

      if (document == NULL)
        g_error ("%s", error->message);
      parsed = g_get_monotonic_time ();
      result = pd_chip_document_authenticate (document, trust);
      authenticated = g_get_monotonic_time ();
      if (result->outcome != PD_CHIP_PA_GENUINE)
        g_error ("%s: %s", name, result->detail);
      ms = (parsed - start) / 1000.0;
      g_array_append_val (parse, ms);
      ms = (authenticated - parsed) / 1000.0;
      g_array_append_val (pa, ms);
      ms = (authenticated - start) / 1000.0;
      g_array_append_val (total, ms);

      if (pd_chip_document_get_dg2 (document)->format == PD_CHIP_IMAGE_JPEG2000)
        {
          gint64 before = g_get_monotonic_time ();
          g_autoptr(PdChipRgbImage) image = pd_chip_jpeg2000_decode (pd_chip_document_get_dg2 (document)->image, &error);

          if (image == NULL)
            g_error ("%s", error->message);
          ms = (g_get_monotonic_time () - before) / 1000.0;
          g_array_append_val (decode, ms);
        }
    }
  label = g_strdup_printf ("%s: parse", name);
  report (label, parse);
  g_free (label);
  label = g_strdup_printf ("%s: passive authentication", name);
  report (label, pa);
  g_free (label);
  label = g_strdup_printf ("%s: parse + passive authentication", name);
  report (label, total);
  if (decode->len > 0)
    {
      g_free (label);
      label = g_strdup_printf ("%s: JPEG 2000 face decoded", name);
      report (label, decode);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PdChipTrust) trust = pd_chip_trust_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *csca = NULL;
  guint repetitions;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s CHIPS-FOLDER [REPETITIONS]\n", argv[0]);
      return 2;
    }
  pd_core_init ();
  repetitions = argc > 2 ? (guint) atoi (argv[2]) : 200;
  if (repetitions == 0)
    repetitions = 1;
  csca = g_build_filename (argv[1], "csca", NULL);
  if (!pd_chip_trust_add_path (trust, csca, &error))
    g_error ("%s", error->message);

  bench (argv[1], "genuine", trust, repetitions);
  bench (argv[1], "passport-jp2", trust, repetitions);
  return 0;
}
