/* fuzz-chip-dg1.c: DG1 (the MRZ as the chip holds it) never crashes, leaks or reads out of
 * bounds; what it accepts is a TD1 or TD3 MRZ. */
#include "config.h"

#include <string.h>

#include "pd-core.h"
#include "pd-chip-dg.h"
#include "pd-tlv.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GDate) today = g_date_new_dmy (1, G_DATE_JANUARY, 2026);
  g_autoptr(PdChipDg1) dg1 = NULL;

  if (!initialized)
    initialized = pd_core_init ();

  dg1 = pd_chip_dg1_parse (bytes, today, &error);
  if (dg1 == NULL)
    g_assert (error != NULL && (error->domain == PD_CHIP_ERROR || error->domain == PD_MRZ_ERROR));
  else
    g_assert (strlen (dg1->text) == 90 || strlen (dg1->text) == 88);
  return 0;
}
