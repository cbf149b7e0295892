/* fuzz-chip-dg2.c: DG2's templates and ISO/IEC 19794-5 header never crash or read out of
 * bounds; the image found lies inside the file. (The JPEG 2000 decoder is openjpeg's, not
 * fuzzed here.) */
#include "config.h"

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
  g_autoptr(PdChipDg2) dg2 = NULL;

  if (!initialized)
    initialized = pd_core_init ();

  dg2 = pd_chip_dg2_parse (bytes, &error);
  if (dg2 == NULL)
    g_assert (error != NULL && error->domain == PD_CHIP_ERROR);
  else
    g_assert (g_bytes_get_size (dg2->image) >= 3 && g_bytes_get_size (dg2->image) < size);
  return 0;
}
