/* pd-chip-bac.h: Basic Access Control (ICAO 9303 part 11): the document's access key from its
 * MRZ (or a Vietnamese ID card's number and dates) and the mutual authentication that opens
 * secure messaging.
 *
 * The key also carries what PACE (pd-chip-pace.h) takes: the same MRZ information, and the card
 * access number (CAN) when it is known. A key may hold the CAN alone: then only PACE opens the
 * chip. */
#pragma once

#include <glib.h>

#include "pd-chip-sm.h"

G_BEGIN_DECLS

typedef struct _PdChipBacKey PdChipBacKey;

/* From the MRZ's fields: document number (up to 9 characters are padded with '<'; longer ones
 * are used whole), dates YYMMDD. NULL and an error when a field has other characters. */
PdChipBacKey *pd_chip_bac_key_new            (const char    *document_number,
                                              const char    *birth_yymmdd,
                                              const char    *expiry_yymmdd,
                                              GError       **error);
/* A CCCD: its 12-digit ID number (the chip's document number is the last 9 digits). */
PdChipBacKey *pd_chip_bac_key_new_for_cccd   (const char    *id_number,
                                              const GDate   *birth,
                                              const GDate   *expiry,
                                              GError       **error);
/* A CCCD's card access number: the last 6 digits of its 12-digit ID number (the number printed
 * on the card; there is no separate CAN on a CCCD). FALSE when @id_number is not 12 digits. */
gboolean      pd_chip_cccd_can               (const char    *id_number,
                                              char           can[7]);
/* A CAN alone, as the officer typed it (6 digits): only PACE. */
PdChipBacKey *pd_chip_bac_key_new_for_can    (const char    *can,
                                              GError       **error);
/* From the MRZ's lines, as scanned (TD1 ID card or TD3 passport). */
PdChipBacKey *pd_chip_bac_key_new_from_mrz   (const char    *mrz_text,
                                              GError       **error);
PdChipBacKey *pd_chip_bac_key_copy           (const PdChipBacKey *key);
/* Wipes the key. */
void          pd_chip_bac_key_free           (PdChipBacKey  *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdChipBacKey, pd_chip_bac_key_free)

/* The MRZ information (document number, birth and expiry dates, each with its check digit);
 * NULL for a CAN alone (the seed and keys below are then zeros). */
const char   *pd_chip_bac_key_get_mrz_info   (const PdChipBacKey *key);
/* The CAN; NULL when not known (a key from the MRZ). */
const char   *pd_chip_bac_key_get_can        (const PdChipBacKey *key);
void          pd_chip_bac_key_get_seed       (const PdChipBacKey *key,
                                              guint8         seed[PD_CHIP_KEY_BYTES]);
void          pd_chip_bac_key_get_enc        (const PdChipBacKey *key,
                                              guint8         k_enc[PD_CHIP_KEY_BYTES]);
void          pd_chip_bac_key_get_mac        (const PdChipBacKey *key,
                                              guint8         k_mac[PD_CHIP_KEY_BYTES]);

/* The 3DES key of SHA-1(@seed || counter): 1 for encryption, 2 for MAC; parity adjusted. */
void          pd_chip_bac_derive             (const guint8   seed[PD_CHIP_KEY_BYTES],
                                              guint32        counter,
                                              guint8         key[PD_CHIP_KEY_BYTES]);

/* Reader side. EXTERNAL AUTHENTICATE's 40 bytes (E_IFD || M_IFD) from RND.IC and the reader's
 * RND.IFD and K.IFD. */
gboolean      pd_chip_bac_authenticate_data  (const PdChipBacKey *key,
                                              const guint8   rnd_ic[8],
                                              const guint8   rnd_ifd[8],
                                              const guint8   k_ifd[PD_CHIP_KEY_BYTES],
                                              guint8         data[40]);
/* Checks the chip's 40-byte answer and opens secure messaging; a wrong MAC or nonce is
 * PD_CHIP_ERROR_WRONG_KEY's cousin BAD_ANSWER. */
PdChipSm     *pd_chip_bac_open               (const PdChipBacKey *key,
                                              const guint8   rnd_ic[8],
                                              const guint8   rnd_ifd[8],
                                              const guint8   k_ifd[PD_CHIP_KEY_BYTES],
                                              const guint8  *answer,
                                              gsize          answer_length,
                                              GError       **error);

/* Card side: checks EXTERNAL AUTHENTICATE's data against @rnd_ic, fills the 40-byte answer
 * with @k_ic and opens secure messaging; NULL when the reader's key is not this card's. */
PdChipSm     *pd_chip_bac_answer             (const PdChipBacKey *key,
                                              const guint8   rnd_ic[8],
                                              const guint8   k_ic[PD_CHIP_KEY_BYTES],
                                              const guint8  *data,
                                              gsize          length,
                                              guint8         answer[40]);

G_END_DECLS
