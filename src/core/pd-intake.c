/* pd-intake.c: accept, hold, refuse and set aside an application, each in one transaction. */
#define G_LOG_DOMAIN "pd-intake"

#include "config.h"

#include <time.h>
#include <glib/gi18n-lib.h>

#include "pd-date.h"
#include "pd-calendar.h"
#include "pd-intake.h"
#include "pd-queue.h"
#include "pd-queue-private.h"
#include "pd-store-private.h"
#include "pd-validate.h"
#include "sync/pd-device.h"

struct _PdIntake
{
  GObject          parent_instance;

  PdStore         *store;
  PdDossier       *dossier;
  GPtrArray       *attachments;     /* PdStoreAttachment, waiting for the dossier's id */
  char            *photo_override;
  char            *signer;
  PdPaperEvidence  evidence;        /* ticks and attachment_kinds owned */
};

G_DEFINE_FINAL_TYPE (PdIntake, pd_intake, G_TYPE_OBJECT)

G_DEFINE_QUARK (pd-intake-error-quark, pd_intake_error)

gboolean
pd_intake_check_role (PdRole     role,
                      PdStatus   status,
                      GError   **error)
{
  if (status == PD_STATUS_ACCEPTED)
    {
      if (pd_role_may_accept (role))
        return TRUE;
      g_set_error_literal (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_ROLE,
                           role == PD_ROLE_VOLUNTEER
                           ? _("Not accepted: a volunteer prepares the declaration and photo; an officer at the counter accepts it. Print the declaration slip for the applicant.")
                           : _("Not accepted: sign in as an officer to accept applications."));
      return FALSE;
    }
  /* The counter keeps applications on hold or refused; assisted entry hands a slip over. */
  if (role == PD_ROLE_VOLUNTEER)
    {
      g_set_error_literal (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_ROLE,
                           _("A volunteer does not keep applications: print the declaration slip for the counter."));
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_intake_check_reason (PdStatus     status,
                        const char  *reason,
                        GError     **error)
{
  g_autofree char *clean = g_strstrip (g_strdup (reason ? reason : ""));

  if (status != PD_STATUS_REFUSED || *clean != '\0')
    return TRUE;
  g_set_error_literal (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_NO_REASON,
                       _("Not refused: write the reason, the applicant and the history need it."));
  return FALSE;
}

gboolean
pd_intake_fill_fee (PdDossier   *dossier,
                    PdReference *reference)
{
  const char *request = pd_dossier_get_field (dossier, PD_FIELD_REQUEST_TYPE);
  g_autoptr(GPtrArray) fees = NULL;
  const PdReferenceEntry *fee;
  g_autofree char *amount = NULL;

  if (reference == NULL || request == NULL)
    return FALSE;
  fees = pd_reference_list (reference, PD_REFERENCE_FEES, request);
  if (fees->len == 0)
    return FALSE;
  fee = g_ptr_array_index (fees, 0);
  amount = g_strdup_printf ("%" G_GINT64_FORMAT, fee->amount);
  pd_dossier_set_field (dossier, PD_FIELD_FEE_CODE, fee->code);
  pd_dossier_set_field (dossier, PD_FIELD_FEE_AMOUNT, amount);
  return TRUE;
}

#define NUMBER_TAG_SETTING "numbers.station-tag"

/* Who counts the numbers: the station's ticket letter, as on its queue tickets, which the
 * office keeps different on each station. A station without a letter counts under a tag of
 * six hexadecimal digits drawn at random once and kept in its store: no other station can be
 * asked offline, so unique only by chance, 1 in 16.7 million for two stations (the letter makes
 * it certain, and the preferences ask for one); the tag's length keeps its numbers apart from
 * every lettered station's. */
static char *
dup_number_station (PdStore  *store,
                    GError  **error)
{
  g_autofree char *letter = pd_store_get_setting (store, PD_QUEUE_SETTING_STATION);
  g_autofree char *tag = NULL;

  if (pd_queue_is_letter (letter))
    return g_steal_pointer (&letter);
  tag = pd_store_get_setting (store, NUMBER_TAG_SETTING);
  if (tag == NULL)
    {
      tag = g_strdup_printf ("%06X", g_random_int_range (0, 0x1000000));
      if (!pd_store_set_setting (store, NUMBER_TAG_SETTING, tag, error))
        return NULL;
    }
  return g_steal_pointer (&tag);
}

/* The kinds of the scans stored with the application and waiting for it. */
static gboolean
collect_attachment_kinds (PdIntake   *self,
                          PdDossier  *dossier,
                          GPtrArray  *kinds,
                          GError    **error)
{
  g_autoptr(GArray) ids = NULL;

  for (guint i = 0; i < self->attachments->len; i++)
    g_ptr_array_add (kinds, g_strdup (((PdStoreAttachment *) g_ptr_array_index (self->attachments, i))->kind));
  if (pd_dossier_get_id (dossier) == 0)
    return TRUE;
  ids = pd_store_list_attachments (self->store, pd_dossier_get_id (dossier), error);
  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *kind = NULL;
      g_autoptr(GBytes) data = pd_store_get_attachment (self->store, g_array_index (ids, gint64, i),
                                                        &kind, NULL, error);

      if (data == NULL)
        return FALSE;
      g_ptr_array_add (kinds, g_steal_pointer (&kind));
    }
  return TRUE;
}

static gboolean
check_papers (PdIntake   *self,
              PdDossier  *dossier,
              GDate      *today,
              GError    **error)
{
  g_autoptr(GError) load_error = NULL;
  g_autoptr(GPtrArray) all = pd_required_documents_load_default (&load_error);
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) kinds = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;
  PdPaperEvidence evidence = self->evidence;

  /* As the counter's checklist: a list that cannot be read asks for no paper. */
  if (all == NULL)
    g_warning ("Cannot read the required documents: %s", load_error->message);
  for (guint i = 0; self->evidence.attachment_kinds != NULL && i < self->evidence.attachment_kinds->len; i++)
    g_ptr_array_add (kinds, g_strdup (g_ptr_array_index (self->evidence.attachment_kinds, i)));
  if (!collect_attachment_kinds (self, dossier, kinds, error))
    return FALSE;
  evidence.attachment_kinds = kinds;

  shown = pd_required_documents_for_dossier (all, dossier, today);
  missing = pd_required_documents_missing (shown, dossier, &evidence);
  if (missing->len == 0)
    return TRUE;
  g_ptr_array_add (missing, NULL);
  list = g_strjoinv ("; ", (char **) missing->pdata);
  /* Translators: %s lists the papers not ticked, separated by semicolons. */
  g_set_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_MISSING,
               _("Not accepted, still missing: %s. Every paper is checked before the application "
                 "is accepted; put it on hold until the paper is brought."), list);
  return FALSE;
}

static PdCalendar *
load_calendar (void)
{
  g_autoptr(GError) error = NULL;
  PdCalendar *calendar = pd_calendar_new_from_directory (pd_calendar_get_default_directory (), &error);

  if (calendar == NULL)
    {
      g_warning ("Cannot read the calendar, counting weekends only: %s", error->message);
      calendar = pd_calendar_new ();
    }
  return calendar;
}

static char *
display_date (const GDate *date)
{
  char text[16];

  g_date_strftime (text, sizeof text, "%d/%m/%Y", date);
  return g_strdup (text);
}

gboolean
pd_intake_check_ready_date (const char   *iso,
                            const GDate  *accepted,
                            GError      **error)
{
  g_autoptr(PdCalendar) calendar = load_calendar ();
  g_autofree char *earliest_text = NULL;
  g_autofree char *chosen_text = NULL;
  GDate earliest;
  GDate chosen;

  g_return_val_if_fail (iso != NULL, FALSE);
  g_return_val_if_fail (accepted != NULL, FALSE);

  earliest = pd_calendar_get_ready_date (calendar, accepted, PD_PROCESSING_PROVINCIAL);
  earliest_text = display_date (&earliest);
  if (!pd_parse_iso_date (iso, &chosen))
    {
      g_set_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_INVALID,
                   _("Not a date: type the day as DD/MM/YYYY, %s or a later working day."), earliest_text);
      return FALSE;
    }
  chosen_text = display_date (&chosen);
  if (g_date_compare (&chosen, &earliest) < 0)
    {
      /* Translators: the day typed, then the earliest day the law allows. */
      g_set_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_INVALID,
                   _("%s is too early: the result can be ready on %s at the earliest. Choose that day "
                     "or a later working day."), chosen_text, earliest_text);
      return FALSE;
    }
  if (!pd_calendar_is_working_day (calendar, &chosen))
    {
      g_set_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_INVALID,
                   _("%s is not a working day: the office is closed. Choose a working day, %s at the "
                     "earliest."), chosen_text, earliest_text);
      return FALSE;
    }
  return TRUE;
}

/* The rules of an acceptance, then what the counter fills in as it accepts. */
static gboolean
prepare_acceptance (PdIntake    *self,
                    PdDossier   *dossier,
                    const char  *actor,
                    GError     **error)
{
  g_autoptr(PdReference) reference = pd_store_get_reference (self->store);
  g_autoptr(GPtrArray) errors = NULL;
  const char *chosen = pd_dossier_get_field (dossier, PD_FIELD_APPOINTMENT_DATE);
  GDate today;

  pd_date_set_today (&today);
  errors = pd_validate_dossier (dossier, reference, &today);
  if (errors->len > 0)
    {
      const PdFieldError *first = g_ptr_array_index (errors, 0);

      /* Translators: the label of a field, then what is wrong with it. */
      g_set_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_INVALID,
                   _("Not accepted: %s: %s"), pd_field_get_label (first->field), first->message);
      return FALSE;
    }
  if (!check_papers (self, dossier, &today, error))
    return FALSE;

  if (pd_dossier_get_field (dossier, PD_FIELD_FEE_CODE) == NULL)
    pd_intake_fill_fee (dossier, reference);
  /* The officer's day is kept (a citizen may ask to come later), checked against the law's
   * minimum; none typed, the minimum is the day. */
  if (chosen != NULL)
    {
      g_autoptr(GError) date_error = NULL;

      if (!pd_intake_check_ready_date (chosen, &today, &date_error))
        {
          g_set_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_INVALID, _("Not accepted: %s: %s"),
                       pd_field_get_label (PD_FIELD_APPOINTMENT_DATE), date_error->message);
          return FALSE;
        }
    }
  else
    {
      g_autoptr(PdCalendar) calendar = load_calendar ();
      GDate ready = pd_calendar_get_ready_date (calendar, &today, PD_PROCESSING_PROVINCIAL);
      char iso[16];

      g_date_strftime (iso, sizeof iso, "%Y-%m-%d", &ready);
      pd_dossier_set_field (dossier, PD_FIELD_APPOINTMENT_DATE, iso);
    }
  /* The officer signed in accepts and signs the slip, not the desk computer's shared account. */
  if (actor != NULL)
    pd_dossier_set_field (dossier, PD_FIELD_OFFICER, actor);
  return TRUE;
}

typedef struct
{
  PdStatus  status;
  char     *reason;
  PdRole    role;
  char     *actor;
  char     *acceptance_token;
} Job;

static void
job_free (Job *job)
{
  g_free (job->reason);
  g_free (job->actor);
  g_free (job->acceptance_token);
  g_free (job);
}

static void
take_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PdIntake *self = source_object;
  Job *job = task_data;
  /* A fresh copy each time: a refused try leaves nothing behind to the next one. */
  g_autoptr(PdDossier) dossier = pd_dossier_copy (self->dossier);
  PdStoreTakeIn take_in = { 0, };
  PdStoreNumbering numbering = { 0, };
  g_autofree char *station = NULL;
  g_autofree char *office_setting = NULL;
  GError *error = NULL;

  if (!pd_intake_check_role (job->role, job->status, &error) ||
      !pd_intake_check_reason (job->status, job->reason, &error) ||
      (job->status == PD_STATUS_ACCEPTED && !prepare_acceptance (self, dossier, job->actor, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  take_in.dossier = dossier;
  take_in.attachments = self->attachments;
  take_in.audit_action = self->photo_override != NULL ? "photo-override" : NULL;
  take_in.audit_detail = self->photo_override;
  take_in.status = job->status;
  take_in.reason = job->reason;
  take_in.acceptance_token = job->acceptance_token;
  if (job->status == PD_STATUS_ACCEPTED)
    {
      const char *office = pd_dossier_get_field (dossier, PD_FIELD_OFFICE_CODE);

      station = dup_number_station (self->store, &error);
      if (station == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (office == NULL || *office == '\0')
        office = office_setting = pd_store_get_setting (self->store, PD_DEVICE_SETTING_OFFICE_CODE);
      numbering.office = office != NULL && *office != '\0' ? office : "PD";
      numbering.station = station;
      numbering.signer = self->signer;
      pd_date_set_today (&numbering.day);
      take_in.numbering = &numbering;
    }
  if (!pd_store_take_in (self->store, &take_in, job->actor ? job->actor : g_get_user_name (), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&dossier), g_object_unref);
}

static void
start (PdIntake            *self,
       PdStatus             status,
       const char          *reason,
       PdRole               role,
       const char          *actor,
       const char          *acceptance_token,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);
  g_autofree char *clean = g_strstrip (g_strdup (reason ? reason : ""));

  job->status = status;
  job->reason = *clean != '\0' ? g_steal_pointer (&clean) : NULL;
  job->role = role;
  job->actor = g_strdup (actor);
  job->acceptance_token = g_strdup (acceptance_token);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, take_in_thread);
}

void
pd_intake_accept_async (PdIntake            *self,
                        PdRole               role,
                        const char          *actor,
                        const char          *acceptance_token,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (PD_IS_INTAKE (self));

  start (self, PD_STATUS_ACCEPTED, NULL, role, actor, acceptance_token, cancellable, callback, user_data,
         pd_intake_accept_async);
}

PdDossier *
pd_intake_accept_finish (PdIntake      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pd_intake_accept_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
pd_intake_set_aside_async (PdIntake            *self,
                           PdStatus             status,
                           const char          *reason,
                           PdRole               role,
                           const char          *actor,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (PD_IS_INTAKE (self));
  g_return_if_fail (status == PD_STATUS_ON_HOLD || status == PD_STATUS_REFUSED);

  start (self, status, reason, role, actor, NULL, cancellable, callback, user_data,
         pd_intake_set_aside_async);
}

PdDossier *
pd_intake_set_aside_finish (PdIntake      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pd_intake_set_aside_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
pd_intake_add_attachment (PdIntake   *self,
                          const char *kind,
                          const char *mime_type,
                          GBytes     *data)
{
  PdStoreAttachment *attachment;

  g_return_if_fail (PD_IS_INTAKE (self));
  g_return_if_fail (kind != NULL && data != NULL);

  attachment = g_new0 (PdStoreAttachment, 1);
  attachment->kind = g_strdup (kind);
  attachment->mime_type = g_strdup (mime_type);
  attachment->data = g_bytes_ref (data);
  g_ptr_array_add (self->attachments, attachment);
}

void
pd_intake_set_photo_override (PdIntake   *self,
                              const char *detail)
{
  g_return_if_fail (PD_IS_INTAKE (self));

  g_free (self->photo_override);
  self->photo_override = g_strdup (detail);
}

void
pd_intake_set_signer (PdIntake   *self,
                      const char *full_name)
{
  g_return_if_fail (PD_IS_INTAKE (self));

  g_free (self->signer);
  self->signer = g_strdup (full_name);
}

void
pd_intake_set_evidence (PdIntake              *self,
                        const PdPaperEvidence *evidence)
{
  g_return_if_fail (PD_IS_INTAKE (self));
  g_return_if_fail (evidence != NULL);

  g_clear_pointer (&self->evidence.ticks, g_hash_table_unref);
  g_clear_pointer (&self->evidence.attachment_kinds, g_ptr_array_unref);
  self->evidence = *evidence;
  self->evidence.ticks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (evidence->ticks != NULL)
    {
      GHashTableIter iter;
      gpointer code, tick;

      g_hash_table_iter_init (&iter, evidence->ticks);
      while (g_hash_table_iter_next (&iter, &code, &tick))
        g_hash_table_insert (self->evidence.ticks, g_strdup (code), tick);
    }
  self->evidence.attachment_kinds = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; evidence->attachment_kinds != NULL && i < evidence->attachment_kinds->len; i++)
    g_ptr_array_add (self->evidence.attachment_kinds, g_strdup (g_ptr_array_index (evidence->attachment_kinds, i)));
}

static void
pd_intake_finalize (GObject *object)
{
  PdIntake *self = PD_INTAKE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->dossier);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  g_clear_pointer (&self->photo_override, g_free);
  g_clear_pointer (&self->signer, g_free);
  g_clear_pointer (&self->evidence.ticks, g_hash_table_unref);
  g_clear_pointer (&self->evidence.attachment_kinds, g_ptr_array_unref);

  G_OBJECT_CLASS (pd_intake_parent_class)->finalize (object);
}

static void
pd_intake_class_init (PdIntakeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pd_intake_finalize;
}

static void
pd_intake_init (PdIntake *self)
{
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_store_attachment_free);
}

PdIntake *
pd_intake_new (PdStore   *store,
               PdDossier *dossier)
{
  PdIntake *self;

  g_return_val_if_fail (PD_IS_STORE (store), NULL);
  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);

  self = g_object_new (PD_TYPE_INTAKE, NULL);
  self->store = g_object_ref (store);
  self->dossier = pd_dossier_copy (dossier);
  return self;
}
