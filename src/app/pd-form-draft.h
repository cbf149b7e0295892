/* pd-form-draft.h: what the form keeps as a draft (its dossier, photo), as the bytes the store seals. */
#pragma once

#include <glib.h>

#include "pd-dossier.h"

G_BEGIN_DECLS

/* The store's slot of the station's form: one form, one draft (see pd_store_save_draft()). */
#define PD_FORM_DRAFT_SLOT "form"

/* Every field of @dossier with its id and uuid (a stored declaration being edited stays that
 * one), its photo and @photo_override (nullable: the audit detail of an overridden photo). */
GBytes    *pd_form_draft_encode (PdDossier   *dossier,
                                 const char  *photo_override);
/* (transfer full): the dossier of @content, or NULL with @error set if it is not a draft. */
PdDossier *pd_form_draft_decode (GBytes      *content,
                                 char       **photo_override,
                                 GError     **error);

G_END_DECLS
