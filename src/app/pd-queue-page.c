/* pd-queue-page.c: today's applications at the counter, the days before on demand, and search. */
#define G_LOG_DOMAIN "pd-queue-page"

#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-format.h"
#include "pd-queue-page.h"

/* A counter takes at most a couple of thousand applications a day; a search that finds more
 * than this is too vague to be useful anyway. */
#define TODAY_LIMIT  5000
#define SEARCH_LIMIT 200
/* Earlier days, most recently changed first: enough to find yesterday's work by eye. */
#define RECENT_LIMIT 500

struct _PdQueuePage
{
  GtkWidget        parent_instance;

  GtkSearchEntry  *search_entry;
  GtkToggleButton *earlier_button;
  GtkStack        *stack;
  GtkSpinner      *spinner;
  GtkColumnView   *column_view;
  GListStore      *model;
  AdwStatusPage   *error_page;
  AdwStatusPage   *empty_page;

  PdStore         *store;
  GCancellable    *cancellable;
  /* uuids of the rejected applications nobody handled yet, as of today's list */
  GHashTable      *unhandled;
  gboolean         loading;
  gboolean         searching;
};

G_DEFINE_FINAL_TYPE (PdQueuePage, pd_queue_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  DOSSIER_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Each load carries its own cancellable: a result that arrives after a newer load started
 * (or after the page went away) is dropped, whatever the store did with the cancellation. */
typedef struct
{
  PdQueuePage  *self;
  GCancellable *cancellable;
} Load;

static Load *
load_new (PdQueuePage *self)
{
  Load *load = g_new0 (Load, 1);

  load->self = g_object_ref (self);
  load->cancellable = g_object_ref (self->cancellable);
  return load;
}

static void
load_free (Load *load)
{
  g_clear_object (&load->self);
  g_clear_object (&load->cancellable);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static void
set_loading (PdQueuePage *self,
             gboolean     loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Whether @dossier, changed today, is one of today's applications: taken or worked on at the
 * counter today. One taken on an earlier day also changes when it is sent and when the central
 * system sends its status, and would crowd the counter's list. */
static gboolean
worked_on_today (PdStore    *store,
                 PdDossier  *dossier,
                 gint64      start,
                 GError    **error)
{
  g_autoptr(GPtrArray) history = NULL;

  switch ((int) pd_dossier_get_status (dossier))
    {
    case PD_STATUS_DRAFT:
    case PD_STATUS_ON_HOLD:
    case PD_STATUS_ACCEPTED:
    case PD_STATUS_REFUSED:
      /* Still at the counter, and changed today: by the counter. */
      return TRUE;
    default:
      break;
    }
  if (pd_dossier_get_created_at (dossier) >= start)
    return TRUE;
  history = pd_store_get_status_history (store, pd_dossier_get_id (dossier), error);
  if (history == NULL)
    return FALSE;
  for (guint i = 0; i < history->len; i++)
    {
      const PdStatusChange *change = g_ptr_array_index (history, i);

      if (change->at >= start && change->status == PD_STATUS_ACCEPTED)
        return TRUE;
    }
  return FALSE;
}

static void
list_today_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  PdStore *store = task_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) rejected = NULL;
  gint64 start = pd_format_start_of_day (now);
  GHashTable *unhandled;
  GPtrArray *today;

  changed = pd_store_list (store, PD_STATUS_INVALID, start, TODAY_LIMIT, &error);
  if (changed == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A rejection stays on top of today's list, whatever day it came, until an officer handled
   * it (the Sending page). */
  rejected = pd_store_list_unhandled_rejections (store, 0, &error);
  if (rejected == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  unhandled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  today = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < rejected->len; i++)
    {
      PdDossier *dossier = g_ptr_array_index (rejected, i);

      g_hash_table_add (unhandled, g_strdup (pd_dossier_get_uuid (dossier)));
      g_ptr_array_add (today, g_object_ref (dossier));
    }
  g_object_set_data_full (G_OBJECT (task), "unhandled", unhandled, (GDestroyNotify) g_hash_table_unref);
  for (guint i = 0; i < changed->len; i++)
    {
      PdDossier *dossier = g_ptr_array_index (changed, i);

      if (g_hash_table_contains (unhandled, pd_dossier_get_uuid (dossier)))
        continue;
      if (worked_on_today (store, dossier, start, &error))
        g_ptr_array_add (today, g_object_ref (dossier));
      else if (error != NULL)
        {
          g_ptr_array_unref (today);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_pointer (task, today, (GDestroyNotify) g_ptr_array_unref);
}

static void
list_recent_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *dossiers = pd_store_list (task_data, PD_STATUS_INVALID, 0, RECENT_LIMIT, &error);

  if (dossiers == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, dossiers, (GDestroyNotify) g_ptr_array_unref);
}

static void
show_results (PdQueuePage *self,
              GPtrArray   *dossiers,
              const GError *error)
{
  gtk_spinner_stop (self->spinner);
  set_loading (self, FALSE);

  if (dossiers == NULL)
    {
      g_autofree char *description =
        g_strdup_printf (_("%s\nClose Passdesk and open it again. If this keeps happening, call your IT support."),
                         error->message);

      adw_status_page_set_description (self->error_page, description);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  g_list_store_splice (self->model, 0, g_list_model_get_n_items (G_LIST_MODEL (self->model)),
                       dossiers->pdata, dossiers->len);

  if (dossiers->len == 0 && !self->searching)
    {
      gboolean earlier = gtk_toggle_button_get_active (self->earlier_button);

      adw_status_page_set_title (self->empty_page, earlier ? _("No Applications on This Computer")
                                                           : _("No Applications Yet Today"));
      adw_status_page_set_description (self->empty_page,
                                       earlier ? _("Press Ctrl+N to take the next applicant’s declaration.")
                                               : _("Applications taken today appear here. Press Ctrl+N to "
                                                   "take the next applicant’s declaration. Earlier "
                                                   "applications: Earlier Days, or search by name or ID "
                                                   "number."));
    }
  if (dossiers->len > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else
    gtk_stack_set_visible_child_name (self->stack, self->searching ? "no-results" : "empty");
}

static void
list_today_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dossiers = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_cancellable_is_cancelled (load->cancellable))
    return;
  if (dossiers != NULL && g_object_get_data (G_OBJECT (result), "unhandled") != NULL)
    {
      g_clear_pointer (&load->self->unhandled, g_hash_table_unref);
      load->self->unhandled = g_hash_table_ref (g_object_get_data (G_OBJECT (result), "unhandled"));
    }
  show_results (load->self, dossiers, error);
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dossiers = pd_store_search_finish (PD_STORE (object), result, &error);

  if (g_cancellable_is_cancelled (load->cancellable))
    return;
  show_results (load->self, dossiers, error);
}

void
pd_queue_page_reload (PdQueuePage *self)
{
  g_autofree char *query = NULL;

  g_return_if_fail (PD_IS_QUEUE_PAGE (self));

  if (self->store == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  set_loading (self, TRUE);
  /* Keep showing the current list while a new one loads: only an empty page gets a spinner. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_start (self->spinner);
    }

  query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  self->searching = *query != '\0';

  if (self->searching)
    {
      pd_store_search_async (self->store, query, SEARCH_LIMIT, self->cancellable, search_cb, load_new (self));
    }
  else
    {
      g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, list_today_cb, load_new (self));

      g_task_set_source_tag (task, pd_queue_page_reload);
      g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
      g_task_run_in_thread (task, gtk_toggle_button_get_active (self->earlier_button)
                                  ? list_recent_thread : list_today_thread);
    }
}

void
pd_queue_page_set_store (PdQueuePage *self,
                         PdStore     *store)
{
  g_return_if_fail (PD_IS_QUEUE_PAGE (self));

  if (g_set_object (&self->store, store))
    pd_queue_page_reload (self);
}

void
pd_queue_page_focus_search (PdQueuePage *self)
{
  g_return_if_fail (PD_IS_QUEUE_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

GListModel *
pd_queue_page_get_model (PdQueuePage *self)
{
  g_return_val_if_fail (PD_IS_QUEUE_PAGE (self), NULL);
  return G_LIST_MODEL (self->model);
}

gboolean
pd_queue_page_get_loading (PdQueuePage *self)
{
  g_return_val_if_fail (PD_IS_QUEUE_PAGE (self), FALSE);
  return self->loading;
}

GtkEditable *
pd_queue_page_get_search_entry (PdQueuePage *self)
{
  g_return_val_if_fail (PD_IS_QUEUE_PAGE (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

static void
search_changed_cb (PdQueuePage    *self,
                   GtkSearchEntry *entry)
{
  pd_queue_page_reload (self);
}

static void
earlier_toggled_cb (PdQueuePage     *self,
                    GtkToggleButton *button)
{
  pd_queue_page_reload (self);
}

void
pd_queue_page_set_show_earlier (PdQueuePage *self,
                                gboolean     show_earlier)
{
  g_return_if_fail (PD_IS_QUEUE_PAGE (self));
  gtk_toggle_button_set_active (self->earlier_button, show_earlier);
}

static void
stop_search_cb (PdQueuePage    *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                PdQueuePage              *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_list_item_set_child (item, label);
}

static void
setup_numeric_label_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *item,
                        PdQueuePage              *self)
{
  setup_label_cb (factory, item, self);
  gtk_widget_add_css_class (gtk_list_item_get_child (item), "numeric");
}

/* Dates and times are read whole: never cut short. */
static void
setup_time_label_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     PdQueuePage              *self)
{
  setup_numeric_label_cb (factory, item, self);
  gtk_label_set_ellipsize (GTK_LABEL (gtk_list_item_get_child (item)), PANGO_ELLIPSIZE_NONE);
}

static void
bind_text (GtkListItem *item,
           const char  *text)
{
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text ? text : "");
}

static void
bind_queue_number_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      PdQueuePage              *self)
{
  bind_text (item, pd_dossier_get_field (gtk_list_item_get_item (item), PD_FIELD_QUEUE_NUMBER));
}

/* The number on the applicant's slip and receipt, given at acceptance. */
static void
bind_application_number_cb (GtkSignalListItemFactory *factory,
                            GtkListItem              *item,
                            PdQueuePage              *self)
{
  bind_text (item, pd_dossier_get_application_number (gtk_list_item_get_item (item)));
}

static void
bind_name_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              PdQueuePage              *self)
{
  PdDossier *dossier = gtk_list_item_get_item (item);

  if (pd_dossier_get_purged (dossier))
    bind_text (item, _("(personal data erased)"));
  else
    bind_text (item, pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME));
}

static void
bind_id_number_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   PdQueuePage              *self)
{
  const char *id_number = pd_dossier_get_field (gtk_list_item_get_item (item), PD_FIELD_ID_NUMBER);
  g_autofree char *masked = pd_format_mask_id_number (id_number);
  GtkWidget *label = gtk_list_item_get_child (item);

  bind_text (item, masked);
  if (id_number != NULL && strlen (id_number) >= 4)
    {
      g_autofree char *spoken = g_strdup_printf (_("ID number ending in %s"),
                                                 id_number + strlen (id_number) - 4);

      gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
    }
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static void
bind_request_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 PdQueuePage              *self)
{
  const char *value = pd_dossier_get_field (gtk_list_item_get_item (item), PD_FIELD_REQUEST_TYPE);

  bind_text (item, pd_field_choice_label (PD_FIELD_REQUEST_TYPE, value));
}

/* A rejection reads whole: the reason and how to reach the citizen, in red until handled. */
static void
setup_status_label_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       PdQueuePage              *self)
{
  GtkLabel *label;

  setup_label_cb (factory, item, self);
  label = GTK_LABEL (gtk_list_item_get_child (item));
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (label, 4);
  gtk_label_set_width_chars (label, 12);
  gtk_label_set_max_width_chars (label, 40);
}

static void
bind_status_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                PdQueuePage              *self)
{
  PdDossier *dossier = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  gboolean unhandled = FALSE;

  if (pd_dossier_get_status (dossier) == PD_STATUS_REJECTED)
    {
      g_autofree char *rejection = pd_format_rejection (dossier);
      g_autofree char *text = NULL;

      unhandled = self->unhandled != NULL && g_hash_table_contains (self->unhandled, pd_dossier_get_uuid (dossier));
      /* Translators: the first %s is the status, the second the reason and contact details. */
      text = g_strdup_printf (unhandled ? _("%s: call the citizen\n%s") : _("%s (handled)\n%s"),
                              pd_status_get_label (PD_STATUS_REJECTED), rejection);
      bind_text (item, text);
      gtk_widget_set_tooltip_text (label, text);
    }
  else
    {
      bind_text (item, pd_status_get_label (pd_dossier_get_status (dossier)));
      gtk_widget_set_tooltip_text (label, NULL);
    }
  if (unhandled != gtk_widget_has_css_class (label, "error"))
    {
      if (unhandled)
        gtk_widget_add_css_class (label, "error");
      else
        gtk_widget_remove_css_class (label, "error");
    }
}

static void
bind_time_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              PdQueuePage              *self)
{
  gint64 created = pd_dossier_get_created_at (gtk_list_item_get_item (item));
  g_autoptr(GDateTime) local = created > 0 ? g_date_time_new_from_unix_local (created) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = NULL;

  if (local == NULL)
    text = NULL;
  else if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
           g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    text = g_date_time_format (local, "%H:%M");
  else
    text = g_date_time_format (local, "%d/%m/%Y %H:%M");
  bind_text (item, text);
}

static void
activate_cb (GtkColumnView *view,
             guint          position,
             PdQueuePage   *self)
{
  g_autoptr(PdDossier) dossier = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  if (dossier != NULL)
    g_signal_emit (self, signals[DOSSIER_ACTIVATED], 0, dossier);
}

void
pd_queue_page_activate (PdQueuePage *self,
                        guint        position)
{
  g_return_if_fail (PD_IS_QUEUE_PAGE (self));
  activate_cb (self->column_view, position, self);
}

static void
pd_queue_page_dispose (GObject *object)
{
  PdQueuePage *self = PD_QUEUE_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_QUEUE_PAGE);
  /* The template's top box is not a bound child: it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (pd_queue_page_parent_class)->dispose (object);
}

static void
pd_queue_page_finalize (GObject *object)
{
  PdQueuePage *self = PD_QUEUE_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->unhandled, g_hash_table_unref);

  G_OBJECT_CLASS (pd_queue_page_parent_class)->finalize (object);
}

static void
pd_queue_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PdQueuePage *self = PD_QUEUE_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_queue_page_class_init (PdQueuePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_queue_page_dispose;
  object_class->finalize = pd_queue_page_finalize;
  object_class->get_property = pd_queue_page_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Enter or a double click on a row: the application (as listed, without its photo) to open. */
  signals[DOSSIER_ACTIVATED] = g_signal_new ("dossier-activated", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, PD_TYPE_DOSSIER);

  g_type_ensure (PD_TYPE_DOSSIER);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-queue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PdQueuePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PdQueuePage, earlier_button);
  gtk_widget_class_bind_template_child (widget_class, PdQueuePage, stack);
  gtk_widget_class_bind_template_child (widget_class, PdQueuePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PdQueuePage, column_view);
  gtk_widget_class_bind_template_child (widget_class, PdQueuePage, model);
  gtk_widget_class_bind_template_child (widget_class, PdQueuePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, PdQueuePage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, earlier_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_time_label_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_label_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_numeric_label_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_queue_number_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_application_number_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_name_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_id_number_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_request_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_status_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_status_label_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_time_cb);
}

static void
pd_queue_page_init (PdQueuePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->stack, "empty");
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (activate_cb), self, 0);
}
