/* pd-chip-error.h: the errors of reading a chip: reader, card, keys and answers, then what its
 * files hold (pd-tlv.c defines the domain). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PD_CHIP_ERROR (pd_chip_error_quark ())
typedef enum {
  PD_CHIP_ERROR_NO_SERVICE,    /* the smart card service (pcscd) does not answer */
  PD_CHIP_ERROR_NO_READER,     /* no reader, or not the one named */
  PD_CHIP_ERROR_NO_CARD,       /* no card came within the time given */
  PD_CHIP_ERROR_REMOVED,       /* the card left the reader during the reading */
  PD_CHIP_ERROR_WRONG_KEY,     /* the chip refused the access key (BAC) */
  PD_CHIP_ERROR_BAD_ANSWER,    /* an answer that breaks the protocol: length, MAC, status */
  PD_CHIP_ERROR_NOT_A_DOCUMENT,/* no eMRTD application, or no file the reading needs */
  PD_CHIP_ERROR_FAILED,        /* anything else the reader or the service reports */
  PD_CHIP_ERROR_MALFORMED,     /* a file's bytes are not the structure ICAO 9303 says */
  PD_CHIP_ERROR_MISSING,       /* a file or element the document needs is absent */
  PD_CHIP_ERROR_UNSUPPORTED,   /* well-formed, but a variant Passdesk does not read */
  PD_CHIP_ERROR_TOO_LARGE,
  PD_CHIP_ERROR_TRUST_STORE,   /* a CSCA certificate file cannot be read */
} PdChipError;
GQuark pd_chip_error_quark (void);

G_END_DECLS
