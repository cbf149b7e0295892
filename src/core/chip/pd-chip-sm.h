/* pd-chip-sm.h: ICAO 9303 secure messaging, both sides: with BAC's 3DES session keys, or with
 * the keys PACE agreed (AES-CBC and AES-CMAC, or 3DES; OpenPACE computes them).
 *
 * The reader side wraps command APDUs and unwraps response APDUs; the card side (used by the
 * test card emulator) does the reverse. Every step increments the send sequence counter, and a
 * MAC that does not match is an error.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PD_CHIP_KEY_BYTES 16

typedef struct _PdChipSm PdChipSm;
struct eac_ctx;

PdChipSm   *pd_chip_sm_new               (const guint8  ks_enc[PD_CHIP_KEY_BYTES],
                                          const guint8  ks_mac[PD_CHIP_KEY_BYTES],
                                          const guint8  ssc[8]);
/* Takes @pace, an OpenPACE context whose PACE run derived the session keys; NULL (and @pace
 * freed) when it has none. The counter starts at zero. */
PdChipSm   *pd_chip_sm_new_pace          (struct eac_ctx *pace);
/* Wipes the keys. */
void        pd_chip_sm_free              (PdChipSm      *sm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdChipSm, pd_chip_sm_free)

/* BAC's counter (PACE's stays in OpenPACE). */
void        pd_chip_sm_get_ssc           (PdChipSm      *sm,
                                          guint8         ssc[8]);

/* A protected command from a plain short or extended APDU (CLA INS P1 P2 [Lc data] [Le]);
 * an extended @apdu or one whose protected form exceeds 255 bytes gives an extended one. */
GBytes     *pd_chip_sm_wrap_command      (PdChipSm      *sm,
                                          const guint8  *apdu,
                                          gsize          length,
                                          GError       **error);
/* The plain data of a protected response (data || SW1 SW2); *@sw is the status word of DO'99.
 * The response's own status word must be 9000 or 62xx/63xx with DO'99. */
GBytes     *pd_chip_sm_unwrap_response   (PdChipSm      *sm,
                                          const guint8  *response,
                                          gsize          length,
                                          guint16       *sw,
                                          GError       **error);

/* Card side: the plain command of a protected one (NULL and an error when its MAC fails). */
GBytes     *pd_chip_sm_unwrap_command    (PdChipSm      *sm,
                                          const guint8  *apdu,
                                          gsize          length,
                                          GError       **error);
/* Card side: the protected response with @data and @sw (data || SW1 SW2); NULL only when
 * the cryptography library fails. */
GBytes     *pd_chip_sm_wrap_response     (PdChipSm      *sm,
                                          const guint8  *data,
                                          gsize          length,
                                          guint16        sw);

/* A plain APDU's parts: case 1 to 4, short or extended. @le is 0 when absent, 256 or 65536
 * for a zero Le byte or bytes. FALSE when @length does not make an APDU. */
typedef struct {
  guint8        header[4];
  const guint8 *data;
  gsize         lc;
  gsize         le;
  gboolean      extended;
} PdChipApdu;
gboolean    pd_chip_apdu_parse           (const guint8  *apdu,
                                          gsize          length,
                                          PdChipApdu    *out);

/* A BER-TLV header at the start of @data: tag (1 to 3 bytes), length (up to 3 length bytes),
 * and the header's size. FALSE when it is cut short or malformed. */
gboolean    pd_chip_tlv_header           (const guint8  *data,
                                          gsize          length,
                                          guint         *tag,
                                          gsize         *value_length,
                                          gsize         *header_length);

/* Primitives, shared with BAC. ISO 9797-1 padding method 2 appended to @buffer. */
void        pd_chip_pad                  (GByteArray    *buffer);
/* 2-key 3DES in CBC mode with a zero IV; @length is a multiple of 8. */
gboolean    pd_chip_3des_cbc             (const guint8   key[PD_CHIP_KEY_BYTES],
                                          gboolean       encrypt,
                                          const guint8  *in,
                                          gsize          length,
                                          guint8        *out);
/* ISO 9797-1 MAC algorithm 3 (retail MAC) over @data, already padded to a multiple of 8. */
gboolean    pd_chip_retail_mac           (const guint8   key[PD_CHIP_KEY_BYTES],
                                          const guint8  *data,
                                          gsize          length,
                                          guint8         mac[8]);

G_END_DECLS
