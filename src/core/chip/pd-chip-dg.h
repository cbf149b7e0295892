/* pd-chip-dg.h: the data groups of an ICAO 9303 chip (EF.COM, DG1, DG2) as plain values.
 * DG13, the Vietnamese card's own, is in pd-chip-dg13.h. */
#pragma once

#include <glib.h>

#include "pd-mrz.h"

G_BEGIN_DECLS

/* File identifiers, as the transport reads them. */
#define PD_CHIP_FID_COM         0x011E
#define PD_CHIP_FID_SOD         0x011D
#define PD_CHIP_FID_CARD_ACCESS 0x011C
/* DG1 … DG16 are 0x0101 … 0x0110. */
#define PD_CHIP_FID_DG(n)       (0x0100 + (n))

/* The largest file Passdesk reads from a chip: a DG2 is tens of kilobytes. */
#define PD_CHIP_MAX_FILE_SIZE   (4 * 1024 * 1024)
/* Beyond any facial image on a document. */
#define PD_CHIP_MAX_IMAGE_SIDE  4096

/* The tag a data group's file starts with (DG1: 0x61), or 0 when @number is not 1 … 16. */
guint32 pd_chip_dg_tag         (guint number);
/* 1 … 16 for a data group's tag, else 0. */
guint   pd_chip_dg_number      (guint32 tag);

typedef struct {
  char   *lds_version;      /* "0107" for LDS 1.7, or NULL */
  char   *unicode_version;  /* "040000", or NULL */
  GArray *data_groups;      /* (element-type guint) data group numbers listed, in order */
} PdChipCom;

PdChipCom *pd_chip_com_parse   (GBytes     *file,
                                GError    **error);
void       pd_chip_com_free    (PdChipCom  *com);

/* DG1: the MRZ as the chip holds it (one line without breaks), and parsed. */
typedef struct {
  char  *text;
  PdMrz *mrz;
} PdChipDg1;

/* @today (nullable): see pd_mrz_parse(). */
PdChipDg1 *pd_chip_dg1_parse   (GBytes     *file,
                                GDate      *today,
                                GError    **error);
void       pd_chip_dg1_free    (PdChipDg1  *dg1);

typedef enum {
  PD_CHIP_IMAGE_JPEG,
  PD_CHIP_IMAGE_JPEG2000,
} PdChipImageFormat;

/* DG2: the first facial image, as stored (JPEG or JPEG 2000, the JP2 file format or a bare
 * codestream). */
typedef struct {
  PdChipImageFormat  format;
  guint              width;   /* from the ISO/IEC 19794-5 header */
  guint              height;
  GBytes            *image;
} PdChipDg2;

PdChipDg2 *pd_chip_dg2_parse   (GBytes     *file,
                                GError    **error);
void       pd_chip_dg2_free    (PdChipDg2  *dg2);

/* A JPEG 2000 image decoded into 8-bit RGB rows without padding (rowstride = 3 × width): what
 * gdk_pixbuf_new_from_bytes (rgb, GDK_COLORSPACE_RGB, FALSE, 8, width, height, width * 3)
 * takes. A JPEG needs no decoding here: pd_photo_image_load_bytes() reads it. */
typedef struct {
  guint   width;
  guint   height;
  GBytes *rgb;
} PdChipRgbImage;

PdChipRgbImage *pd_chip_jpeg2000_decode (GBytes          *image,
                                         GError         **error);
void            pd_chip_rgb_image_free  (PdChipRgbImage  *image);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdChipCom, pd_chip_com_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdChipDg1, pd_chip_dg1_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdChipDg2, pd_chip_dg2_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdChipRgbImage, pd_chip_rgb_image_free)

G_END_DECLS
