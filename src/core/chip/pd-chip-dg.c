/* pd-chip-dg.c: EF.COM, DG1 (MRZ) and DG2 (face) of an ICAO 9303 chip. */
#define G_LOG_DOMAIN "pd-chip-dg"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <openjpeg.h>

#include "pd-chip-dg.h"
#include "pd-tlv.h"

static const guint32 dg_tags[16] = {
  0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68,
  0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70,
};

guint32
pd_chip_dg_tag (guint number)
{
  return number >= 1 && number <= 16 ? dg_tags[number - 1] : 0;
}

guint
pd_chip_dg_number (guint32 tag)
{
  for (guint i = 0; i < G_N_ELEMENTS (dg_tags); i++)
    if (dg_tags[i] == tag)
      return i + 1;
  return 0;
}

static gboolean
malformed (GError    **error,
           const char *file)
{
  /* Translators: %s names the chip's file, e.g. "DG2 (face)". */
  g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MALFORMED,
               _("The chip’s %s file is damaged or not as ICAO 9303 describes it. "
                 "Read the chip again; if this repeats, check the document by eye."), file);
  return FALSE;
}

static gboolean
read_file (GBytes     *file,
           guint32     tag,
           PdTlv      *tlv,
           GError    **error)
{
  gsize size = 0;
  const guint8 *data = file != NULL ? g_bytes_get_data (file, &size) : NULL;

  if (size > PD_CHIP_MAX_FILE_SIZE)
    {
      g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_TOO_LARGE,
                   _("A file read from the chip is larger than any document holds. "
                     "Read the chip again; if this repeats, check the document by eye."));
      return FALSE;
    }
  return pd_tlv_read_whole (data, size, tag, tlv, error);
}

void
pd_chip_com_free (PdChipCom *com)
{
  if (com == NULL)
    return;
  g_free (com->lds_version);
  g_free (com->unicode_version);
  g_clear_pointer (&com->data_groups, g_array_unref);
  g_free (com);
}

static char *
ascii_digits (const PdTlv *tlv)
{
  for (gsize i = 0; i < tlv->length; i++)
    if (!g_ascii_isdigit (tlv->value[i]))
      return NULL;
  return g_strndup ((const char *) tlv->value, tlv->length);
}

PdChipCom *
pd_chip_com_parse (GBytes  *file,
                   GError **error)
{
  g_autoptr(PdChipCom) com = g_new0 (PdChipCom, 1);
  PdTlv root, child;
  PdTlvIter iter;
  GError *local = NULL;

  if (!read_file (file, 0x60, &root, error))
    return NULL;

  com->data_groups = g_array_new (FALSE, FALSE, sizeof (guint));
  pd_tlv_iter_init (&iter, &root);
  while (pd_tlv_iter_next (&iter, &child, &local))
    {
      switch (child.tag)
        {
        case 0x5F01:
          g_clear_pointer (&com->lds_version, g_free);
          com->lds_version = ascii_digits (&child);
          break;
        case 0x5F36:
          g_clear_pointer (&com->unicode_version, g_free);
          com->unicode_version = ascii_digits (&child);
          break;
        case 0x5C:
          /* A list of one-byte tags (all data group tags are one byte). */
          for (gsize i = 0; i < child.length; i++)
            {
              guint number = pd_chip_dg_number (child.value[i]);

              if (number == 0)
                {
                  malformed (error, "EF.COM");
                  return NULL;
                }
              g_array_append_val (com->data_groups, number);
            }
          break;
        default:
          break;
        }
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  return g_steal_pointer (&com);
}

void
pd_chip_dg1_free (PdChipDg1 *dg1)
{
  if (dg1 == NULL)
    return;
  g_free (dg1->text);
  g_clear_pointer (&dg1->mrz, pd_mrz_free);
  g_free (dg1);
}

PdChipDg1 *
pd_chip_dg1_parse (GBytes  *file,
                   GDate   *today,
                   GError **error)
{
  g_autoptr(PdChipDg1) dg1 = g_new0 (PdChipDg1, 1);
  g_autoptr(GString) lines = g_string_new (NULL);
  PdTlv root, mrz;
  gsize width;

  if (!read_file (file, 0x61, &root, error) || !pd_tlv_find (&root, 0x5F1F, &mrz, error))
    return NULL;

  /* The chip keeps the lines without breaks: 3 × 30 (TD1), 2 × 36 (TD2) or 2 × 44 (TD3). */
  switch (mrz.length)
    {
    case 90: width = 30; break;
    case 88: width = 44; break;
    default:
      g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_UNSUPPORTED,
                   _("The chip’s MRZ has %u characters; Passdesk reads ID cards (90) and passports (88). "
                     "Type the document’s details from the printed page."), (guint) mrz.length);
      return NULL;
    }
  dg1->text = g_strndup ((const char *) mrz.value, mrz.length);
  if (strlen (dg1->text) != mrz.length)
    {
      malformed (error, _("DG1 (MRZ)"));
      return NULL;
    }
  for (gsize i = 0; i < mrz.length; i += width)
    {
      g_string_append_len (lines, dg1->text + i, width);
      g_string_append_c (lines, '\n');
    }
  dg1->mrz = pd_mrz_parse (lines->str, lines->len, today, error);
  if (dg1->mrz == NULL)
    return NULL;
  return g_steal_pointer (&dg1);
}

void
pd_chip_dg2_free (PdChipDg2 *dg2)
{
  if (dg2 == NULL)
    return;
  g_clear_pointer (&dg2->image, g_bytes_unref);
  g_free (dg2);
}

static guint32
be (const guint8 *p,
    guint         n)
{
  guint32 v = 0;

  for (guint i = 0; i < n; i++)
    v = (v << 8) | p[i];
  return v;
}

static gboolean
is_jpeg2000 (const guint8 *p,
             gsize         n)
{
  static const guint8 jp2[] = { 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20 };
  static const guint8 j2k[] = { 0xFF, 0x4F, 0xFF, 0x51 };

  return (n >= sizeof jp2 && memcmp (p, jp2, sizeof jp2) == 0) ||
         (n >= sizeof j2k && memcmp (p, j2k, sizeof j2k) == 0);
}

/* ISO/IEC 19794-5 (2005): a 14-byte general header, a 20-byte facial record header, 8 bytes
 * per feature point, 12 bytes of image information, then the image. */
static gboolean
parse_facial_record (PdChipDg2     *dg2,
                     GBytes        *file,
                     const guint8  *p,
                     gsize          n,
                     GError       **error)
{
  gsize points, header, block, image_length;
  const guint8 *image;

  if (n < 14 + 20 + 12 || memcmp (p, "FAC\0", 4) != 0 || be (p + 12, 2) == 0)
    return malformed (error, _("DG2 (face)"));
  block = be (p + 14, 4);
  points = be (p + 14 + 4, 2);
  header = 20 + 8 * points + 12;
  if (block < header || block > n - 14)
    return malformed (error, _("DG2 (face)"));
  image = p + 14 + header;
  image_length = block - header;
  dg2->width = be (p + 14 + header - 12 + 2, 2);
  dg2->height = be (p + 14 + header - 12 + 4, 2);

  if (image_length >= 3 && image[0] == 0xFF && image[1] == 0xD8 && image[2] == 0xFF)
    dg2->format = PD_CHIP_IMAGE_JPEG;
  else if (is_jpeg2000 (image, image_length))
    dg2->format = PD_CHIP_IMAGE_JPEG2000;
  else
    {
      g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_UNSUPPORTED,
                   _("The chip’s face image is neither JPEG nor JPEG 2000. "
                     "Take the photo at the counter instead."));
      return FALSE;
    }
  dg2->image = g_bytes_new_from_bytes (file, image - (const guint8 *) g_bytes_get_data (file, NULL),
                                       image_length);
  return TRUE;
}

PdChipDg2 *
pd_chip_dg2_parse (GBytes  *file,
                   GError **error)
{
  g_autoptr(PdChipDg2) dg2 = g_new0 (PdChipDg2, 1);
  PdTlv root, group, template, block;

  if (!read_file (file, 0x75, &root, error) ||
      !pd_tlv_find (&root, 0x7F61, &group, error) ||
      !pd_tlv_find (&group, 0x7F60, &template, error))
    return NULL;
  /* The data block is primitive (5F2E) or, on some chips, constructed (7F2E). */
  if (!pd_tlv_find (&template, 0x5F2E, &block, NULL) &&
      !pd_tlv_find (&template, 0x7F2E, &block, error))
    return NULL;
  if (!parse_facial_record (dg2, file, block.value, block.length, error))
    return NULL;
  return g_steal_pointer (&dg2);
}

void
pd_chip_rgb_image_free (PdChipRgbImage *image)
{
  if (image == NULL)
    return;
  g_clear_pointer (&image->rgb, g_bytes_unref);
  g_free (image);
}

typedef struct {
  const guint8 *data;
  gsize         size;
  gsize         pos;
} MemoryStream;

static OPJ_SIZE_T
stream_read (void *buffer,
             OPJ_SIZE_T n,
             void *user_data)
{
  MemoryStream *s = user_data;
  gsize left = s->size - s->pos;

  if (left == 0)
    return (OPJ_SIZE_T) -1;
  n = MIN (n, left);
  memcpy (buffer, s->data + s->pos, n);
  s->pos += n;
  return n;
}

static OPJ_OFF_T
stream_skip (OPJ_OFF_T n,
             void     *user_data)
{
  MemoryStream *s = user_data;

  if (n < 0)
    {
      n = MAX (n, -(OPJ_OFF_T) s->pos);
      s->pos += n;
      return n;
    }
  n = MIN ((gsize) n, s->size - s->pos);
  s->pos += n;
  return n;
}

static OPJ_BOOL
stream_seek (OPJ_OFF_T n,
             void     *user_data)
{
  MemoryStream *s = user_data;

  if (n < 0 || (gsize) n > s->size)
    return OPJ_FALSE;
  s->pos = n;
  return OPJ_TRUE;
}

static void
quiet (const char *message,
       void       *user_data)
{
  g_debug ("openjpeg: %s", message);
}

static void
silent (const char *message,
        void       *user_data)
{
}

static guint8
sample (const opj_image_comp_t *c,
        guint                   x,
        guint                   y)
{
  gint64 v = c->data[(gsize) (y / c->dy) * c->w + x / c->dx];

  if (c->sgnd)
    v += (gint64) 1 << (c->prec - 1);
  if (c->prec > 8)
    v >>= c->prec - 8;
  else if (c->prec < 8)
    v <<= 8 - c->prec;
  return CLAMP (v, 0, 255);
}

static gboolean
decode_failed (GError **error)
{
  g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MALFORMED,
               _("The chip’s JPEG 2000 face image cannot be decoded. "
                 "Read the chip again, or take the photo at the counter."));
  return FALSE;
}

static void
stream_destroy (opj_stream_t *stream)
{
  opj_stream_destroy (stream);
}

static void
codec_destroy (opj_codec_t *codec)
{
  opj_destroy_codec (codec);
}

static void
image_destroy (opj_image_t *image)
{
  opj_image_destroy (image);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (opj_stream_t, stream_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (opj_codec_t, codec_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (opj_image_t, image_destroy)

PdChipRgbImage *
pd_chip_jpeg2000_decode (GBytes  *bytes,
                         GError **error)
{
  MemoryStream memory = { 0 };
  g_autoptr(opj_stream_t) stream = NULL;
  g_autoptr(opj_codec_t) codec = NULL;
  g_autoptr(opj_image_t) image = NULL;
  opj_dparameters_t parameters;
  g_autoptr(PdChipRgbImage) out = g_new0 (PdChipRgbImage, 1);
  guint8 *rgb;
  guint channels;

  memory.data = g_bytes_get_data (bytes, &memory.size);
  if (!is_jpeg2000 (memory.data, memory.size))
    {
      decode_failed (error);
      return NULL;
    }
  codec = opj_create_decompress (memory.data[0] == 0xFF ? OPJ_CODEC_J2K : OPJ_CODEC_JP2);
  opj_set_error_handler (codec, quiet, NULL);
  opj_set_warning_handler (codec, quiet, NULL);
  opj_set_info_handler (codec, silent, NULL);
  opj_set_default_decoder_parameters (&parameters);
  stream = opj_stream_default_create (OPJ_TRUE);
  opj_stream_set_user_data (stream, &memory, NULL);
  opj_stream_set_user_data_length (stream, memory.size);
  opj_stream_set_read_function (stream, stream_read);
  opj_stream_set_skip_function (stream, stream_skip);
  opj_stream_set_seek_function (stream, stream_seek);

  if (!opj_setup_decoder (codec, &parameters) || !opj_read_header (stream, codec, &image))
    {
      decode_failed (error);
      return NULL;
    }
  /* The size is known from the header: refuse a huge image before decoding a pixel. */
  if (image->x1 <= image->x0 || image->y1 <= image->y0 ||
      image->x1 - image->x0 > PD_CHIP_MAX_IMAGE_SIDE || image->y1 - image->y0 > PD_CHIP_MAX_IMAGE_SIDE)
    {
      g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_TOO_LARGE,
                   _("The chip’s face image is larger than any document photo. "
                     "Take the photo at the counter instead."));
      return NULL;
    }
  if (!opj_decode (codec, stream, image) || !opj_end_decompress (codec, stream))
    {
      decode_failed (error);
      return NULL;
    }

  channels = image->numcomps >= 3 ? 3 : 1;
  if (image->numcomps == 0)
    {
      decode_failed (error);
      return NULL;
    }
  for (guint c = 0; c < channels; c++)
    {
      const opj_image_comp_t *comp = &image->comps[c];

      if (comp->data == NULL || comp->dx == 0 || comp->dy == 0 || comp->prec == 0 || comp->prec > 31 ||
          (gsize) comp->w * comp->dx < image->x1 - image->x0 ||
          (gsize) comp->h * comp->dy < image->y1 - image->y0)
        {
          decode_failed (error);
          return NULL;
        }
    }

  out->width = image->x1 - image->x0;
  out->height = image->y1 - image->y0;
  rgb = g_malloc ((gsize) out->width * out->height * 3);
  for (guint y = 0; y < out->height; y++)
    for (guint x = 0; x < out->width; x++)
      {
        guint8 *px = rgb + ((gsize) y * out->width + x) * 3;

        for (guint c = 0; c < 3; c++)
          px[c] = sample (&image->comps[channels == 3 ? c : 0], x, y);
      }
  out->rgb = g_bytes_new_take (rgb, (gsize) out->width * out->height * 3);
  return g_steal_pointer (&out);
}
