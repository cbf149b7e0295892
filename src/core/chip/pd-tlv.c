/* pd-tlv.c: BER-TLV as ICAO 9303 uses it: definite lengths only, every length checked
 * against the bytes there are. */
#define G_LOG_DOMAIN "pd-tlv"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-tlv.h"

G_DEFINE_QUARK (pd-chip-error-quark, pd_chip_error)

static gboolean
malformed (GError    **error,
           const char *why)
{
  /* Translators: %s says what is wrong with the bytes, e.g. "a length runs past the end". */
  g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MALFORMED,
               _("The chip’s data is damaged or not as ICAO 9303 describes it (%s). "
                 "Read the chip again; if this repeats, check the document by eye."), why);
  return FALSE;
}

gboolean
pd_tlv_read (const guint8 *data,
             gsize         size,
             PdTlv        *tlv,
             GError      **error)
{
  gsize pos = 0, length = 0;
  guint32 tag;

  g_return_val_if_fail (tlv != NULL, FALSE);

  if (data == NULL || size == 0)
    return malformed (error, _("no data"));

  tag = data[pos++];
  /* Low five bits all set: the tag goes on while bit 8 of the next byte is set. */
  if ((tag & 0x1F) == 0x1F)
    {
      do
        {
          if (pos >= size)
            return malformed (error, _("a tag runs past the end"));
          if (pos >= 3)
            return malformed (error, _("a tag is too long"));
          tag = (tag << 8) | data[pos];
        }
      while (data[pos++] & 0x80);
    }
  if (pos >= size)
    return malformed (error, _("a length runs past the end"));

  if (data[pos] < 0x80)
    length = data[pos++];
  else if (data[pos] == 0x80)
    return malformed (error, _("an indefinite length"));
  else
    {
      guint n = data[pos++] & 0x7F;

      if (n > 4)
        return malformed (error, _("a length is too long"));
      if (n > size - pos)
        return malformed (error, _("a length runs past the end"));
      for (guint i = 0; i < n; i++)
        length = (length << 8) | data[pos++];
    }
  if (length > size - pos)
    return malformed (error, _("a value runs past the end"));

  tlv->tag = tag;
  /* Bit 6 of the first tag byte. */
  tlv->constructed = (data[0] & 0x20) != 0;
  tlv->value = data + pos;
  tlv->length = length;
  tlv->total_length = pos + length;
  return TRUE;
}

static gboolean
check_tree (const PdTlv *tlv,
            guint        depth_left,
            GError     **error)
{
  PdTlvIter iter;
  PdTlv child;
  GError *local = NULL;

  if (!tlv->constructed)
    return TRUE;
  if (depth_left == 0)
    return malformed (error, _("elements nest too deeply"));

  pd_tlv_iter_init (&iter, tlv);
  while (pd_tlv_iter_next (&iter, &child, &local))
    if (!check_tree (&child, depth_left - 1, error))
      return FALSE;
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_tlv_check_tree (const PdTlv *tlv,
                   guint        max_depth,
                   GError     **error)
{
  g_return_val_if_fail (tlv != NULL, FALSE);

  return check_tree (tlv, max_depth, error);
}

gboolean
pd_tlv_read_whole (const guint8 *data,
                   gsize         size,
                   guint32       tag,
                   PdTlv        *tlv,
                   GError      **error)
{
  if (!pd_tlv_read (data, size, tlv, error))
    return FALSE;
  if (tlv->tag != tag)
    return malformed (error, _("the file starts with the wrong tag"));
  if (tlv->total_length != size)
    return malformed (error, _("bytes follow the end of the file’s structure"));
  return pd_tlv_check_tree (tlv, PD_TLV_MAX_DEPTH, error);
}

void
pd_tlv_iter_init (PdTlvIter   *iter,
                  const PdTlv *parent)
{
  iter->next = parent->value;
  iter->left = parent->length;
}

gboolean
pd_tlv_iter_next (PdTlvIter *iter,
                  PdTlv     *child,
                  GError   **error)
{
  if (iter->left == 0)
    return FALSE;
  if (!pd_tlv_read (iter->next, iter->left, child, error))
    return FALSE;
  iter->next += child->total_length;
  iter->left -= child->total_length;
  return TRUE;
}

gboolean
pd_tlv_find (const PdTlv *parent,
             guint32      tag,
             PdTlv       *child,
             GError     **error)
{
  PdTlvIter iter;
  GError *local = NULL;

  pd_tlv_iter_init (&iter, parent);
  while (pd_tlv_iter_next (&iter, child, &local))
    if (child->tag == tag)
      return TRUE;
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MISSING,
               _("An element the chip’s file must hold (tag %X) is missing. "
                 "Read the chip again; if this repeats, check the document by eye."), tag);
  return FALSE;
}

void
pd_tlv_append_header (GByteArray *out,
                      guint8      tag,
                      gsize       length)
{
  guint8 header[4] = { tag };
  guint n;

  g_return_if_fail (length <= 0xFFFF);
  if (length < 0x80)
    {
      header[1] = length;
      n = 2;
    }
  else if (length <= 0xFF)
    {
      header[1] = 0x81;
      header[2] = length;
      n = 3;
    }
  else
    {
      header[1] = 0x82;
      header[2] = length >> 8;
      header[3] = length & 0xFF;
      n = 4;
    }
  g_byte_array_append (out, header, n);
}
