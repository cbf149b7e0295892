/* fuzz-chip-tlv.c: the BER-TLV reader under the chip's files never reads out of bounds, and
 * whatever it accepts lies inside the input. */
#include "config.h"

#include "pd-core.h"
#include "pd-tlv.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autoptr(GError) error = NULL;
  PdTlv tlv, child, found;
  PdTlvIter iter;

  if (!initialized)
    initialized = pd_core_init ();

  if (!pd_tlv_read (data, size, &tlv, &error))
    {
      g_assert (error != NULL && error->domain == PD_CHIP_ERROR);
      return 0;
    }
  g_assert (tlv.total_length <= size && tlv.value + tlv.length == data + tlv.total_length);

  if (pd_tlv_read_whole (data, size, tlv.tag, &tlv, &error))
    {
      pd_tlv_iter_init (&iter, &tlv);
      while (pd_tlv_iter_next (&iter, &child, NULL))
        {
          g_assert (child.value >= tlv.value && child.value + child.length <= tlv.value + tlv.length);
          if (pd_tlv_find (&child, 0x5F1F, &found, NULL))
            g_assert (found.value >= child.value && found.value + found.length <= child.value + child.length);
        }
    }
  else
    g_assert (error != NULL && error->domain == PD_CHIP_ERROR);
  return 0;
}
