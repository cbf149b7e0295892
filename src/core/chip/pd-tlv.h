/* pd-tlv.h: a bounds-checked BER-TLV reader for the files of an ICAO 9303 chip, and the error
 * domain of everything read from a chip (pd-chip-error.h). */
#pragma once

#include <glib.h>

#include "pd-chip-error.h"

G_BEGIN_DECLS

/* Nothing in the LDS nests deeper than about 8 (DG2: 75 7F61 7F60 A1 …); a file that does is
 * hostile or broken. */
#define PD_TLV_MAX_DEPTH 16


typedef struct {
  guint32       tag;          /* the tag's bytes, big-endian: 0x61, 0x5F1F, 0x7F61 */
  gboolean      constructed;
  const guint8 *value;
  gsize         length;
  gsize         total_length; /* tag, length and value */
} PdTlv;

typedef struct {
  const guint8 *next;
  gsize         left;
} PdTlvIter;

/* Reads the TLV at the start of @data (tags up to 3 bytes, definite lengths up to 4 bytes);
 * what follows it is not read. */
gboolean pd_tlv_read         (const guint8 *data,
                              gsize         size,
                              PdTlv        *tlv,
                              GError      **error);
/* @data must be exactly one TLV with tag @tag, well-formed down to PD_TLV_MAX_DEPTH. */
gboolean pd_tlv_read_whole   (const guint8 *data,
                              gsize         size,
                              guint32       tag,
                              PdTlv        *tlv,
                              GError      **error);
/* Every constructed element under @tlv is well-formed and no deeper than @max_depth. */
gboolean pd_tlv_check_tree   (const PdTlv  *tlv,
                              guint         max_depth,
                              GError      **error);

void     pd_tlv_iter_init    (PdTlvIter    *iter,
                              const PdTlv  *parent);
/* FALSE at the end (@error unset) or on a malformed child (@error set). */
gboolean pd_tlv_iter_next    (PdTlvIter    *iter,
                              PdTlv        *child,
                              GError      **error);
/* The first child of @parent with @tag; FALSE with PD_CHIP_ERROR_MISSING when there is none. */
gboolean pd_tlv_find         (const PdTlv  *parent,
                              guint32       tag,
                              PdTlv        *child,
                              GError      **error);
/* Appends the tag @tag (one byte) and the definite length @length (at most 0xFFFF: the
 * commands a reader sends) to @out, for the value the caller appends next. */
void     pd_tlv_append_header (GByteArray  *out,
                               guint8       tag,
                               gsize        length);

G_END_DECLS
