/* pd-mrz.h: the machine readable zone (ICAO 9303) of ID cards (TD1) and passports (TD3).
 *
 * Counters' MRZ readers type the lines like a keyboard; OCR mixes up O/0, I/1, B/8, S/5, Z/2
 * and G/6. Such a letter in a numeric field is replaced only when that makes the field's check
 * digit hold, and every replacement is reported, so that the officer sees what was changed.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Three 30-character lines plus generous white space; longer input is refused unread. */
#define PD_MRZ_MAX_LENGTH 512

#define PD_MRZ_ERROR (pd_mrz_error_quark ())
typedef enum {
  PD_MRZ_ERROR_EMPTY,
  PD_MRZ_ERROR_TOO_LONG,
  PD_MRZ_ERROR_CHARACTER,      /* a character other than A-Z, 0-9, < and white space */
  PD_MRZ_ERROR_SHAPE,          /* neither 3 lines of 30 nor 2 lines of 44 */
  PD_MRZ_ERROR_DOCUMENT_TYPE,  /* not an ID card (I, A, C) or passport (P) */
  PD_MRZ_ERROR_SEX,
} PdMrzError;
GQuark pd_mrz_error_quark (void);

typedef enum {
  PD_MRZ_FORMAT_TD1,  /* ID card: 3 lines of 30 */
  PD_MRZ_FORMAT_TD3,  /* passport: 2 lines of 44 */
} PdMrzFormat;

typedef struct {
  const char *name;      /* "document_number", "id_number", "birth_date", "expiry_date",
                          * "personal_number" or "composite" */
  const char *label;     /* translated */
  char        expected;  /* computed from the data */
  char        found;     /* printed on the document, after corrections */
  gboolean    ok;
} PdMrzCheck;

typedef struct {
  const char *check;        /* PdMrzCheck.name of the field that was corrected */
  guint       line;         /* 1-based */
  guint       column;       /* 1-based */
  char        found;
  char        replacement;
} PdMrzCorrection;

typedef struct {
  PdMrzFormat  format;
  char        *lines[4];        /* upper-cased and corrected, NULL-terminated */
  gboolean     upcased;         /* the input had lower-case letters */
  char        *document_type;   /* "ID", "P", ... without fillers */
  char        *issuing_state;
  char        *document_number;
  char        *id_number;       /* TD1 issued by VNM: the 12-digit number, or NULL */
  char        *optional_data;   /* fillers turned into spaces and trimmed; TD3: personal number */
  char        *birth_date;      /* ISO YYYY-MM-DD, NULL when not a valid date */
  char        *sex;             /* "M", "F" or NULL when unspecified */
  char        *expiry_date;     /* ISO YYYY-MM-DD, NULL when not a valid date */
  char        *nationality;
  char        *surname;
  char        *given_names;
  GArray      *checks;          /* (element-type PdMrzCheck), in the order of the lines */
  GArray      *corrections;     /* (element-type PdMrzCorrection) */
} PdMrz;

/* @today (nullable) sets the century of the birth date: a two-digit year after this year's is
 * 19YY, else 20YY. A failed check digit does not fail the parse: see pd_mrz_is_valid(). */
PdMrz   *pd_mrz_parse                 (const char  *text,
                                       gssize       length,
                                       GDate       *today,
                                       GError     **error);
void     pd_mrz_free                  (PdMrz       *mrz);
/* Every check digit holds and both dates are valid. */
gboolean pd_mrz_is_valid              (const PdMrz *mrz);

/* The ICAO 9303 check digit ('0'-'9') of @data, whose characters must be 0-9, A-Z or <. */
char     pd_mrz_check_digit           (const char  *data,
                                       gsize        length);

/* "Đỗ Ánh Bảo" -> "DO<<ANH<BAO": the first word is the surname, marks are dropped and Đ
 * becomes D. Cut to @width characters unless @width is 0. */
char    *pd_mrz_name_from_vietnamese  (const char  *full_name,
                                       guint        width);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdMrz, pd_mrz_free)

G_END_DECLS
