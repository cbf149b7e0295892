/* pd-chip-dg13.h: DG13 of the Vietnamese chip ID card (CCCD): the citizen's details in
 * Vietnamese, as numbered fields. */
#pragma once

#include <glib.h>

#include "pd-dossier.h"

G_BEGIN_DECLS

typedef struct {
  char      *id_number;           /* 1 */
  char      *full_name;           /* 2 */
  char      *birth_date;          /* 3, ISO YYYY-MM-DD, or NULL when not a full date */
  char      *birth_date_text;     /* 3 as printed: "05/03/1990", or "1990" for a year alone */
  char      *sex;                 /* 4: "M" (Nam), "F" (Nữ), or NULL */
  char      *nationality;         /* 5 */
  char      *ethnicity;           /* 6 */
  char      *religion;            /* 7 */
  char      *place_of_origin;     /* 8 */
  char      *place_of_residence;  /* 9 */
  char      *identifying_marks;   /* 10 */
  char      *issue_date;          /* 11, ISO or NULL */
  char      *expiry_date;         /* 12, ISO or NULL ("Không thời hạn": no expiry) */
  char      *expiry_date_text;    /* 12 as printed */
  char      *father_name;         /* 13, first */
  char      *mother_name;         /* 13, second */
  char      *spouse_name;         /* 14 */
  char      *old_id_number;       /* 15 */
  GPtrArray *other;               /* (element-type utf8) "N: value" of numbers Passdesk does not know */
} PdChipDg13;

/* Reads the fields by their numbers, whatever their order; unknown numbers go to @other.
 * Every text is valid UTF-8 in NFC, trimmed, runs of white space folded to one space; an
 * empty field is NULL. */
PdChipDg13 *pd_chip_dg13_parse (GBytes      *file,
                                GError     **error);
void        pd_chip_dg13_free  (PdChipDg13  *dg13);

/* Sets the dossier's fields the card holds: ID number, full name, date of birth, sex,
 * permanent residence, and the father's, mother's and spouse's names. A field the card leaves
 * empty is not touched. */
void        pd_chip_dg13_fill_dossier (const PdChipDg13 *dg13,
                                       PdDossier        *dossier);

/* "05/03/1990" → "1990-03-05"; NULL unless a valid day in that form. */
char       *pd_chip_date_to_iso (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdChipDg13, pd_chip_dg13_free)

G_END_DECLS
