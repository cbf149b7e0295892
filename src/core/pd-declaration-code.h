/* pd-declaration-code.h: Passdesk's own declaration code and declaration QR code.
 *
 * The official application code and the QR on the printed online declaration are not public,
 * so Passdesk defines its own, versioned formats; data/declaration-qr.md specifies both.
 *
 *  - The declaration code, e.g. "PD1-01-1YHVFTEJ-J", is short enough to read out and type, and
 *    its last character (ISO 7064 MOD 37,36) catches any single mistyped character and any
 *    swap of two neighbours.
 *  - The declaration QR, "PDQ1:" then base45 text, carries a whole declaration, compressed
 *    and signed with Ed25519 by the office or portal that issued it.
 */
#pragma once

#include <glib.h>

#include "pd-types.h"

G_BEGIN_DECLS

#define PD_DECLARATION_ERROR (pd_declaration_error_quark ())
typedef enum {
  PD_DECLARATION_ERROR_FORMAT,         /* not a Passdesk declaration code or QR code */
  PD_DECLARATION_ERROR_VERSION,        /* a version of the format this Passdesk does not know */
  PD_DECLARATION_ERROR_CHECK,          /* the code's check character does not match: a typo */
  PD_DECLARATION_ERROR_TOO_LONG,
  PD_DECLARATION_ERROR_ENCODING,       /* a character outside base45, or a value out of range */
  PD_DECLARATION_ERROR_TRUNCATED,
  PD_DECLARATION_ERROR_UNKNOWN_KEY,    /* signed with a key that is not trusted */
  PD_DECLARATION_ERROR_BAD_SIGNATURE,
  PD_DECLARATION_ERROR_CORRUPT,        /* signed, but the compressed content is broken */
  PD_DECLARATION_ERROR_TOO_LARGE,      /* the content expands beyond PD_DECLARATION_QR_MAX_CONTENT */
  PD_DECLARATION_ERROR_KEY,            /* a key given by the caller has the wrong size */
} PdDeclarationError;
GQuark pd_declaration_error_quark (void);

/* The declaration code. @office: 2 or 3 letters or digits (the office or province code). */
char *pd_declaration_code_generate  (const char  *office,
                                     GError     **error);
/* @number: the code's body, below 2^40 (8 base32 digits). */
char *pd_declaration_code_build     (const char  *office,
                                     guint64      number,
                                     GError     **error);
/* Accepts lower case, and missing dashes or extra spaces. Returns the canonical code "PD1-OFFICE-BODY-C"; @office_out (nullable) gets the office. */
char *pd_declaration_code_parse     (const char  *text,
                                     char       **office_out,
                                     GError     **error);

/* The largest text a QR code holds (version 40, alphanumeric, ECC level L). */
#define PD_DECLARATION_QR_MAX_LENGTH  4296
/* A declaration never expands beyond this; more is refused as a decompression bomb. */
#define PD_DECLARATION_QR_MAX_CONTENT 16384
/* A key id: 1 to 32 of A-Z a-z 0-9 . _ - */
#define PD_DECLARATION_KEY_ID_MAX     32

typedef struct {
  char      *key_id;
  gint64     signed_at;         /* Unix seconds, as the signer stated it */
  PdDossier *dossier;           /* a new dossier holding the declared fields */
  guint      n_unknown_fields;  /* fields of a later minor revision, ignored */
} PdDeclarationQr;

/* @secret_key: a 64-byte Ed25519 secret key (crypto_sign_keypair()). Every non-empty field of
 * @dossier is carried. */
char            *pd_declaration_qr_encode (PdDossier   *dossier,
                                           const char  *key_id,
                                           GBytes      *secret_key,
                                           gint64       signed_at,
                                           GError     **error);
/* @trusted_keys: (element-type utf8 GBytes) key id -> 32-byte Ed25519 public key. The
 * signature is checked before anything else of the content is looked at. */
PdDeclarationQr *pd_declaration_qr_decode (const char  *text,
                                           gssize       length,
                                           GHashTable  *trusted_keys,
                                           GError     **error);
void             pd_declaration_qr_free   (PdDeclarationQr *qr);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdDeclarationQr, pd_declaration_qr_free)

G_END_DECLS
