/* fuzz-mrz.c: the MRZ parser and the MRZ name transliteration never crash, leak or read out
 * of bounds. */
#include "config.h"

#include <string.h>

#include "pd-core.h"
#include "pd-mrz.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdMrz) mrz = NULL;
  g_autoptr(GDate) today = g_date_new_dmy (1, G_DATE_JANUARY, 2026);
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *name = NULL;

  if (!initialized)
    initialized = pd_core_init ();

  mrz = pd_mrz_parse ((const char *) data, size, today, &error);
  if (mrz == NULL)
    g_assert (error != NULL && error->domain == PD_MRZ_ERROR);
  else
    {
      gsize width = mrz->format == PD_MRZ_FORMAT_TD1 ? 30 : 44;

      g_assert (error == NULL);
      for (guint i = 0; mrz->lines[i]; i++)
        g_assert (strlen (mrz->lines[i]) == width);
      for (guint i = 0; i < mrz->checks->len; i++)
        {
          const PdMrzCheck *check = &g_array_index (mrz->checks, PdMrzCheck, i);

          g_assert (check->expected >= '0' && check->expected <= '9');
        }
      pd_mrz_is_valid (mrz);
    }

  /* Names come from the form, which holds valid UTF-8 without NUL. */
  name = pd_mrz_name_from_vietnamese (text, size % 45);
  g_assert (strlen (name) <= (size % 45 ? size % 45 : strlen (name)));
  for (const char *p = name; *p; p++)
    g_assert ((*p >= 'A' && *p <= 'Z') || *p == '<');
  return 0;
}
