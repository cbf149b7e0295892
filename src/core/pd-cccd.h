/* pd-cccd.h: the QR code on the back of the chip ID card (căn cước công dân, CCCD).
 *
 * The code holds `ID12|oldID|Full name|ddmmyyyy|Nam or Nữ|address|ddmmyyyy`. Cards in the field
 * also have an empty old ID, only 6 fields, or extra trailing fields, so the fields are found by
 * their shape (12-digit ID, 8-digit dates), not only by their position.
 */
#pragma once

#include <glib.h>

#include "pd-types.h"
#include "pd-field.h"

G_BEGIN_DECLS

/* No ID card QR code comes near this; anything longer is refused before it is looked at. */
#define PD_CCCD_MAX_LENGTH 1024

#define PD_CCCD_ERROR (pd_cccd_error_quark ())
typedef enum {
  PD_CCCD_ERROR_EMPTY,
  PD_CCCD_ERROR_TOO_LONG,
  PD_CCCD_ERROR_NUL_BYTE,
  PD_CCCD_ERROR_ENCODING,     /* not valid UTF-8 */
  PD_CCCD_ERROR_FIELD_COUNT,
  PD_CCCD_ERROR_ID_NUMBER,
  PD_CCCD_ERROR_OLD_ID,
  PD_CCCD_ERROR_NAME,
  PD_CCCD_ERROR_BIRTH_DATE,
  PD_CCCD_ERROR_SEX,
  PD_CCCD_ERROR_ADDRESS,
  PD_CCCD_ERROR_ISSUE_DATE,
} PdCccdError;
GQuark pd_cccd_error_quark (void);

typedef enum {
  PD_CCCD_WARNING_NONE          = 0,
  PD_CCCD_WARNING_NO_OLD_ID     = 1 << 0,  /* the old ID is empty or its field is absent */
  PD_CCCD_WARNING_SIX_FIELDS    = 1 << 1,  /* a 6-field layout: old ID or issue date absent */
  PD_CCCD_WARNING_NO_ISSUE_DATE = 1 << 2,
  PD_CCCD_WARNING_EXTRA_FIELDS  = 1 << 3,  /* see PdCccd.extra_fields */
} PdCccdWarnings;

/* One allocation holds the struct and all its strings: free it with pd_cccd_free() only. */
typedef struct {
  char            id_number[13];
  char            old_id[13];      /* 9 (CMND) or 12 digits; "" when the card has none */
  char            birth_date[11];  /* ISO YYYY-MM-DD */
  char            sex[2];          /* "M" or "F", as PD_FIELD_SEX */
  char            issue_date[11];  /* ISO YYYY-MM-DD; "" when the QR code has none */
  const char     *full_name;       /* NFC, trimmed, inner white space folded */
  const char     *address;         /* the same */
  PdCccdWarnings  warnings;
  const char    **extra_fields;    /* NULL-terminated; NULL when there is none */
} PdCccd;

PdCccd *pd_cccd_parse                 (const char   *text,
                                       gssize        length,
                                       GError      **error);
void    pd_cccd_free                  (PdCccd       *card);
/* Translated, one line per warning, unknown extra fields quoted with their values. */
char  **pd_cccd_get_warning_messages  (const PdCccd *card);

/* Sets the ID number, full name, birth date, sex and permanent address of @dossier. */
void    pd_cccd_fill_dossier          (const PdCccd *card,
                                       PdDossier    *dossier);

typedef struct {
  PdField  field;
  char    *dossier_value;
  char    *card_value;
} PdCccdMismatch;

void       pd_cccd_mismatch_free      (PdCccdMismatch *mismatch);
/* (element-type PdCccdMismatch): the fields pd_cccd_fill_dossier() sets whose value in
 * @dossier differs from the card; a field the dossier leaves empty is not a mismatch. Names
 * are compared folded (case and diacritics ignored), the other fields exactly. */
GPtrArray *pd_cccd_compare_dossier    (const PdCccd *card,
                                       PdDossier    *dossier);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCccd, pd_cccd_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCccdMismatch, pd_cccd_mismatch_free)

G_END_DECLS
