/* pd-intake.h: accept, hold, refuse and set aside an application, each in one transaction.
 *
 * The counter form and passdesk-cli both take applications in through here, with the same
 * rules: who may (from the role and officer of the caller's verified session, never from a
 * widget's state), valid fields and every required paper before an acceptance, a reason for a
 * refusal. Which status may follow which stays the store's rule (pd_store_accept(),
 * pd_store_set_status()). The dossier, its waiting scans, the audit row, the status, the
 * outbox packet and the receipt number are written together or not at all.
 */
#pragma once

#include <gio/gio.h>

#include "pd-required-documents.h"
#include "pd-store.h"
#include "sync/pd-officer.h"

G_BEGIN_DECLS

#define PD_INTAKE_ERROR (pd_intake_error_quark ())
typedef enum {
  PD_INTAKE_ERROR_ROLE,       /* the role may not do this */
  PD_INTAKE_ERROR_INVALID,    /* a field of the application is not valid */
  PD_INTAKE_ERROR_MISSING,    /* a required paper is not ticked */
  PD_INTAKE_ERROR_NO_REASON,  /* a refusal without its reason */
} PdIntakeError;
GQuark pd_intake_error_quark (void);

#define PD_TYPE_INTAKE (pd_intake_get_type ())
G_DECLARE_FINAL_TYPE (PdIntake, pd_intake, PD, INTAKE, GObject)

/* One application taken in at @store: works on a copy of @dossier. */
PdIntake  *pd_intake_new                 (PdStore               *store,
                                          PdDossier             *dossier);
/* A scan that waits for the application's id: stored in the same transaction. */
void       pd_intake_add_attachment      (PdIntake              *self,
                                          const char            *kind,
                                          const char            *mime_type,
                                          GBytes                *data);
/* The audit detail of a photo taken with failed checks overridden: written as
 * "photo-override" on the application in the same transaction. */
void       pd_intake_set_photo_override  (PdIntake              *self,
                                          const char            *detail);
/* The full name of the officer who accepts (pd_officer_get_display_name()), which the papers
 * print under the signature: stored with the application number, once. Without it they print
 * the officer's account. */
void       pd_intake_set_signer          (PdIntake              *self,
                                          const char            *full_name);
/* What the counter saw of the papers (copied). The scans already stored with the application
 * and those added above count without being listed here. */
void       pd_intake_set_evidence        (PdIntake              *self,
                                          const PdPaperEvidence *evidence);

/* The rules on who may, for a caller that answers before the worker does: @role may make
 * an application @status (accepted, on hold or refused). */
gboolean   pd_intake_check_role          (PdRole                 role,
                                          PdStatus               status,
                                          GError               **error);
/* A refusal is told to the applicant and kept in the history: it needs its reason. */
gboolean   pd_intake_check_reason        (PdStatus               status,
                                          const char            *reason,
                                          GError               **error);
/* The fee follows from the request: sets the fee code and amount of @dossier from the fee
 * table; FALSE, changing nothing, when the request has no fee there. */
gboolean   pd_intake_fill_fee            (PdDossier             *dossier,
                                          PdReference           *reference);

/* The ready date ("Ngày hẹn trả kết quả") of an application accepted on @accepted: the
 * officer's @iso (YYYY-MM-DD) is kept when it is a working day no earlier than the legal
 * minimum (pd_calendar_get_ready_date()): a citizen may ask for a later pick-up day. Else
 * FALSE with PD_INTAKE_ERROR_INVALID, whose message names the earliest day to choose. */
gboolean   pd_intake_check_ready_date    (const char            *iso,
                                          const GDate           *accepted,
                                          GError               **error);

/* Accepts: @role must allow it, every field be valid and every required paper ticked; the
 * fee follows the request where none is set, the ready date is the one the officer typed
 * (pd_intake_check_ready_date()) or else counted in working days from today, @actor (nullable: the system user) signs as the officer and the application gets its
 * receipt number. Then it is saved, with its scans and the audit row, as accepted, which
 * seals its packet into the outbox: all in one transaction. At an enrolled station the packet
 * carries @acceptance_token, the token of @actor's last online sign-in here
 * (pd_officer_get_acceptance_token()), the central system's proof of who accepted; without
 * one nothing is accepted (PD_STORE_ERROR_INVALID: sign in online once at this station). */
void       pd_intake_accept_async        (PdIntake              *self,
                                          PdRole                 role,
                                          const char            *actor,
                                          const char            *acceptance_token,
                                          GCancellable          *cancellable,
                                          GAsyncReadyCallback    callback,
                                          gpointer               user_data);
/* (transfer full): the application as stored, with its id, uuid, status, and once accepted its
 * number and acceptance day. */
PdDossier *pd_intake_accept_finish       (PdIntake              *self,
                                          GAsyncResult          *result,
                                          GError               **error);
/* Puts the application on hold or refuses it (@status PD_STATUS_ON_HOLD or PD_STATUS_REFUSED)
 * with @reason (nullable for a hold), saved as it is, in one transaction. */
void       pd_intake_set_aside_async     (PdIntake              *self,
                                          PdStatus               status,
                                          const char            *reason,
                                          PdRole                 role,
                                          const char            *actor,
                                          GCancellable          *cancellable,
                                          GAsyncReadyCallback    callback,
                                          gpointer               user_data);
PdDossier *pd_intake_set_aside_finish    (PdIntake              *self,
                                          GAsyncResult          *result,
                                          GError               **error);

G_END_DECLS
