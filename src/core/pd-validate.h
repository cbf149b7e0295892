/* pd-validate.h: checking a dossier before it is saved or accepted.
 *
 * Each error names the field and says, in the user's language, what to fix.
 */
#pragma once

#include <glib.h>

#include "pd-types.h"
#include "pd-field.h"

G_BEGIN_DECLS

typedef struct {
  PdField  field;
  char    *message;   /* translated and actionable, e.g. "Enter the 12 digits of ..." */
} PdFieldError;

void      pd_field_error_free     (PdFieldError *error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdFieldError, pd_field_error_free)

gboolean  pd_id_number_is_valid   (const char  *id_number);
gboolean  pd_field_is_required    (PdDossier   *dossier,
                                   PdField      field,
                                   GDate       *today);
/* NULL when @field of @dossier is acceptable, else the message. */
char     *pd_validate_field       (PdDossier   *dossier,
                                   PdField      field,
                                   PdReference *reference,
                                   GDate       *today);
/* (element-type PdFieldError): every problem, in field order; empty when valid. */
GPtrArray *pd_validate_dossier    (PdDossier   *dossier,
                                   PdReference *reference,
                                   GDate       *today);
/* Soft warnings that do not block saving (e.g. the ID number's historic structure does not
 * match the birth year or sex). (element-type PdFieldError) */
GPtrArray *pd_validate_warnings   (PdDossier   *dossier,
                                   GDate       *today);

G_END_DECLS
