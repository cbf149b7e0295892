/* pd-dossier.h: one passport application (hồ sơ), TK01 or TK01a, with its intake data. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "pd-types.h"
#include "pd-field.h"
#include "pd-status.h"

G_BEGIN_DECLS

#define PD_TYPE_DOSSIER (pd_dossier_get_type ())
G_DECLARE_FINAL_TYPE (PdDossier, pd_dossier, PD, DOSSIER, GObject)

#define PD_DOSSIER_ERROR (pd_dossier_error_quark ())
typedef enum {
  PD_DOSSIER_ERROR_FORMAT,   /* not a dossier: wrong JSON shape or type */
} PdDossierError;
GQuark      pd_dossier_error_quark     (void);

PdDossier  *pd_dossier_new             (void);
PdDossier  *pd_dossier_new_from_json   (JsonNode    *node,
                                        GError     **error);
JsonNode   *pd_dossier_to_json         (PdDossier   *self,
                                        gboolean     include_personal);
PdDossier  *pd_dossier_copy            (PdDossier   *self);

const char *pd_dossier_get_field       (PdDossier   *self,
                                        PdField      field);
void        pd_dossier_set_field       (PdDossier   *self,
                                        PdField      field,
                                        const char  *value);

gint64      pd_dossier_get_id          (PdDossier   *self);
void        pd_dossier_set_id          (PdDossier   *self,
                                        gint64       id);
const char *pd_dossier_get_uuid        (PdDossier   *self);
void        pd_dossier_set_uuid        (PdDossier   *self,
                                        const char  *uuid);
PdStatus    pd_dossier_get_status      (PdDossier   *self);
void        pd_dossier_set_status      (PdDossier   *self,
                                        PdStatus     status);
const char *pd_dossier_get_status_reason (PdDossier *self);
void        pd_dossier_set_status_reason (PdDossier *self,
                                          const char *reason);
gint64      pd_dossier_get_created_at  (PdDossier   *self);
void        pd_dossier_set_created_at  (PdDossier   *self,
                                        gint64       unix_seconds);
gint64      pd_dossier_get_updated_at  (PdDossier   *self);
void        pd_dossier_set_updated_at  (PdDossier   *self,
                                        gint64       unix_seconds);
gboolean    pd_dossier_get_purged      (PdDossier   *self);
void        pd_dossier_set_purged      (PdDossier   *self,
                                        gboolean     purged);
GBytes     *pd_dossier_get_photo       (PdDossier   *self);
void        pd_dossier_set_photo       (PdDossier   *self,
                                        GBytes      *jpeg);
/* (nullable): the application's number, e.g. "HN01-261207-B0042", given when it is accepted
 * (pd_intake_accept_async()) and printed on every paper, the fee receipt's number included;
 * and the day it was accepted, YYYY-MM-DD. */
const char *pd_dossier_get_application_number (PdDossier  *self);
void        pd_dossier_set_application_number (PdDossier  *self,
                                               const char *number);
const char *pd_dossier_get_accepted_on (PdDossier  *self);
void        pd_dossier_set_accepted_on (PdDossier  *self,
                                        const char *iso_date);
/* (nullable): the full name of the officer who accepted it, as the papers sign it; stored
 * with the number, so NULL for an application accepted before names were kept. */
const char *pd_dossier_get_accepted_by (PdDossier  *self);
void        pd_dossier_set_accepted_by (PdDossier  *self,
                                        const char *full_name);

int         pd_dossier_get_age         (PdDossier   *self,
                                        GDate       *today);
gboolean    pd_dossier_is_minor_form   (PdDossier   *self,
                                        GDate       *today);

gboolean    pd_parse_iso_date          (const char  *text,
                                        GDate       *date);

G_END_DECLS
