/* pd-trip.c: a mobile team's trip: the communes it visits, chosen in a dialog. */
#define G_LOG_DOMAIN "pd-trip"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-dialog-page.h"
#include "pd-drop-down.h"
#include "pd-text.h"
#include "pd-trip.h"

gboolean
pd_trip_count_declarations (PdStore            *store,
                            const char * const *communes,
                            guint              *n_chosen,
                            guint              *n_total,
                            GError            **error)
{
  g_autoptr(GPtrArray) drafts = pd_store_list (store, PD_STATUS_DRAFT, 0, 0, error);

  *n_chosen = *n_total = 0;
  if (drafts == NULL)
    return FALSE;
  for (guint i = 0; i < drafts->len; i++)
    {
      PdDossier *dossier = g_ptr_array_index (drafts, i);

      if (pd_dossier_get_field (dossier, PD_FIELD_DECLARATION_CODE) == NULL)
        continue;
      (*n_total)++;
      if ((pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_COMMUNE) != NULL &&
           g_strv_contains (communes, pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_COMMUNE))) ||
          (pd_dossier_get_field (dossier, PD_FIELD_CURRENT_COMMUNE) != NULL &&
           g_strv_contains (communes, pd_dossier_get_field (dossier, PD_FIELD_CURRENT_COMMUNE))))
        (*n_chosen)++;
    }
  return TRUE;
}

struct _PdTripDialog
{
  AdwWindow            parent_instance;

  PdReference         *reference;
  GHashTable          *chosen;        /* commune code -> name */
  GtkDropDown         *province_drop_down;
  GtkEditable         *commune_search;
  AdwPreferencesGroup *communes_group;
  GPtrArray           *commune_rows;
  GPtrArray           *provinces;     /* PdReferenceEntry */
  GtkLabel            *summary;
  GtkWidget           *prepare_button;
};

G_DEFINE_FINAL_TYPE (PdTripDialog, pd_trip_dialog, ADW_TYPE_WINDOW)

enum {
  PREPARE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_summary (PdTripDialog *self)
{
  guint n = g_hash_table_size (self->chosen);
  g_autofree char *text = NULL;

  if (n == 0)
    text = g_strdup (_("Choose the communes the team will visit."));
  else
    text = g_strdup_printf (g_dngettext (NULL, "%u commune chosen.", "%u communes chosen.", n), n);
  gtk_label_set_label (self->summary, text);
  gtk_widget_set_sensitive (self->prepare_button, n > 0);
}

static void
commune_toggled_cb (GtkCheckButton *check,
                    PdTripDialog   *self)
{
  const char *code = g_object_get_data (G_OBJECT (check), "pd-code");
  const char *name = g_object_get_data (G_OBJECT (check), "pd-name");

  if (gtk_check_button_get_active (check))
    g_hash_table_insert (self->chosen, g_strdup (code), g_strdup (name));
  else
    g_hash_table_remove (self->chosen, code);
  update_summary (self);
}

/* A province has up to 168 communes: typing a few letters of one leaves it and its likes. */
static void
filter_communes (PdTripDialog *self)
{
  const char *query = gtk_editable_get_text (self->commune_search);

  for (guint i = 0; i < self->commune_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->commune_rows, i);

      gtk_widget_set_visible (row, pd_text_search_matches (g_object_get_data (G_OBJECT (row), "pd-folded"), query));
    }
}

static void
show_communes (PdTripDialog *self)
{
  guint selected = gtk_drop_down_get_selected (self->province_drop_down);
  const PdReferenceEntry *province;
  g_autoptr(GPtrArray) communes = NULL;

  for (guint i = 0; i < self->commune_rows->len; i++)
    adw_preferences_group_remove (self->communes_group, g_ptr_array_index (self->commune_rows, i));
  g_ptr_array_set_size (self->commune_rows, 0);
  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->provinces->len)
    return;

  province = g_ptr_array_index (self->provinces, selected);
  communes = pd_reference_list (self->reference, PD_REFERENCE_COMMUNES, province->code);
  for (guint i = 0; i < communes->len; i++)
    {
      const PdReferenceEntry *commune = g_ptr_array_index (communes, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), commune->name);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_hash_table_contains (self->chosen, commune->code));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, commune->name, -1);
      g_object_set_data_full (G_OBJECT (check), "pd-code", g_strdup (commune->code), g_free);
      g_object_set_data_full (G_OBJECT (check), "pd-name", g_strdup (commune->name), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (commune_toggled_cb), self);
      g_object_set_data_full (G_OBJECT (row), "pd-folded", pd_text_fold (commune->name), g_free);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->communes_group, row);
      g_ptr_array_add (self->commune_rows, row);
    }
  filter_communes (self);
}

static void
province_selected_cb (PdTripDialog *self)
{
  show_communes (self);
}

static void
prepare_clicked_cb (PdTripDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) communes = NULL;
  GHashTableIter iter;
  gpointer code;

  g_hash_table_iter_init (&iter, self->chosen);
  while (g_hash_table_iter_next (&iter, &code, NULL))
    g_strv_builder_add (builder, code);
  communes = g_strv_builder_end (builder);
  g_signal_emit (self, signals[PREPARE], 0, communes);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
pd_trip_dialog_finalize (GObject *object)
{
  PdTripDialog *self = PD_TRIP_DIALOG (object);

  g_clear_object (&self->reference);
  g_clear_pointer (&self->chosen, g_hash_table_unref);
  g_clear_pointer (&self->commune_rows, g_ptr_array_unref);
  g_clear_pointer (&self->provinces, g_ptr_array_unref);
  G_OBJECT_CLASS (pd_trip_dialog_parent_class)->finalize (object);
}

static void
pd_trip_dialog_class_init (PdTripDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pd_trip_dialog_finalize;
  signals[PREPARE] = g_signal_new ("prepare", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRV);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pd_trip_dialog_init (PdTripDialog *self)
{
  self->chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->commune_rows = g_ptr_array_new ();
}

PdTripDialog *
pd_trip_dialog_new (GtkWindow   *parent,
                    PdReference *reference,
                    const char  *chosen)
{
  PdTripDialog *self = g_object_new (PD_TYPE_TRIP_DIALOG,
                                     "transient-for", parent,
                                     "modal", TRUE,
                                     "title", _("Prepare a Trip"),
                                     "default-width", 560,
                                     "default-height", 640,
                                     NULL);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_auto(GStrv) codes = g_strsplit (chosen ? chosen : "", ",", -1);
  AdwPreferencesPage *page;
  GtkWidget *group;
  GtkWidget *province_row;

  self->reference = g_object_ref (reference);
  for (guint i = 0; codes[i] != NULL; i++)
    if (*codes[i] != '\0')
      {
        const PdReferenceEntry *entry = pd_reference_lookup (reference, PD_REFERENCE_COMMUNES, codes[i]);

        g_hash_table_insert (self->chosen, g_strdup (codes[i]), g_strdup (entry ? entry->name : codes[i]));
      }

  self->prepare_button = gtk_button_new_with_mnemonic (_("_Prepare"));
  gtk_widget_set_tooltip_text (self->prepare_button,
                               _("Download the declarations and the reference tables for working offline"));
  g_signal_connect_swapped (self->prepare_button, "clicked", G_CALLBACK (prepare_clicked_cb), self);
  page = pd_dialog_page_fill (ADW_WINDOW (self), _("_Cancel"), self->prepare_button);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("The office’s online declarations and the reference tables are "
                                           "downloaded now; the team then works offline for the whole trip."));
  self->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->summary, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->summary));
  province_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (province_row), _("Province"));
  self->province_drop_down = GTK_DROP_DOWN (pd_drop_down_new (_("Province")));
  gtk_widget_set_valign (GTK_WIDGET (self->province_drop_down), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (province_row), GTK_WIDGET (self->province_drop_down));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (province_row), GTK_WIDGET (self->province_drop_down));
  self->provinces = pd_reference_list (reference, PD_REFERENCE_PROVINCES, NULL);
  for (guint i = 0; i < self->provinces->len; i++)
    gtk_string_list_append (names, ((PdReferenceEntry *) g_ptr_array_index (self->provinces, i))->name);
  gtk_drop_down_set_model (self->province_drop_down, G_LIST_MODEL (names));
  g_signal_connect_swapped (self->province_drop_down, "notify::selected", G_CALLBACK (province_selected_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), province_row);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));

  self->communes_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->communes_group, _("Communes"));
  self->commune_search = GTK_EDITABLE (gtk_search_entry_new ());
  g_object_set (self->commune_search, "placeholder-text", _("Find a commune"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->commune_search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Find a commune"), -1);
  g_signal_connect_swapped (self->commune_search, "search-changed", G_CALLBACK (filter_communes), self);
  adw_preferences_group_set_header_suffix (self->communes_group, GTK_WIDGET (self->commune_search));
  adw_preferences_page_add (page, self->communes_group);

  show_communes (self);
  update_summary (self);
  return self;
}
