/* pd-mismatch-panel.c: where a scanned document differs from the declaration, each field resolved by the officer. */
#define G_LOG_DOMAIN "pd-mismatch-panel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-cccd.h"
#include "pd-format.h"
#include "pd-mismatch-panel.h"

typedef struct
{
  PdField    field;
  char      *declared;   /* the dossier's values, as stored */
  char      *document;
  GtkWidget *row;
  GtkWidget *keep_button;
  GtkWidget *use_button;
} Item;

struct _PdMismatchPanel
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkLabel  *title;
  GtkWidget *rows;
  GPtrArray *items;
  char      *document;
  char      *use_label;
};

G_DEFINE_FINAL_TYPE (PdMismatchPanel, pd_mismatch_panel, GTK_TYPE_WIDGET)

enum {
  RESOLVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
item_free (Item *item)
{
  g_free (item->declared);
  g_free (item->document);
  g_free (item);
}

/* Values are shown as the form shows them: dates day first, sex as a word. */
static char *
display_value (PdField     field,
               const char *value)
{
  const PdFieldInfo *info = pd_field_get_info (field);

  if (value == NULL)
    return g_strdup ("—");
  if (info->kind == PD_FIELD_KIND_DATE)
    return pd_format_display_date (value);
  if (info->kind == PD_FIELD_KIND_SEX || info->kind == PD_FIELD_KIND_CHOICE)
    {
      const char *label = pd_field_choice_label (field, value);

      return g_strdup (label ? label : value);
    }
  return g_strdup (value);
}

static void
update_title (PdMismatchPanel *self)
{
  guint n = pd_mismatch_panel_get_n_unresolved (self);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
  if (n == 0)
    return;
  text = g_strdup_printf (g_dngettext (NULL,
                                       "%u field differs between the declaration and the scanned document. "
                                       "Choose the value to keep.",
                                       "%u fields differ between the declaration and the scanned document. "
                                       "Choose the value to keep.", n),
                          n);
  gtk_label_set_label (self->title, text);
}

static Item *
find_item (PdMismatchPanel *self,
           PdField          field)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      if (item->field == field)
        return item;
    }
  return NULL;
}

static void
resolve (PdMismatchPanel *self,
         Item            *item,
         gboolean         use_document)
{
  PdField field = item->field;
  g_autofree char *value = g_strdup (use_document ? item->document : item->declared);

  gtk_box_remove (GTK_BOX (self->rows), item->row);
  g_ptr_array_remove (self->items, item);
  update_title (self);
  g_signal_emit (self, signals[RESOLVED], 0, field, value, use_document);
}

static void
button_clicked_cb (GtkButton       *button,
                   PdMismatchPanel *self)
{
  PdField field = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "pd-field"));
  gboolean use_document = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "pd-use-document"));
  Item *item = find_item (self, field);

  if (item != NULL)
    resolve (self, item, use_document);
}

static GtkWidget *
value_box (const char *caption,
           const char *value)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *caption_label = gtk_label_new (caption);
  GtkWidget *value_label = gtk_label_new (value);

  gtk_widget_set_hexpand (box, TRUE);
  gtk_label_set_xalign (GTK_LABEL (caption_label), 0.0);
  gtk_widget_add_css_class (caption_label, "caption");
  gtk_widget_add_css_class (caption_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_box_append (GTK_BOX (box), caption_label);
  gtk_box_append (GTK_BOX (box), value_label);
  return box;
}

static GtkWidget *
make_button (Item       *item,
             const char *label,
             const char *tooltip,
             gboolean    use_document)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data (G_OBJECT (button), "pd-field", GINT_TO_POINTER (item->field));
  g_object_set_data (G_OBJECT (button), "pd-use-document", GINT_TO_POINTER (use_document));
  return button;
}

static void
add_item (PdMismatchPanel      *self,
          const PdCccdMismatch *mismatch)
{
  Item *item = g_new0 (Item, 1);
  GtkWidget *field_label;
  g_autofree char *declared = display_value (mismatch->field, mismatch->dossier_value);
  g_autofree char *document = display_value (mismatch->field, mismatch->card_value);

  item->field = mismatch->field;
  item->declared = g_strdup (mismatch->dossier_value);
  item->document = g_strdup (mismatch->card_value);

  item->row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (item->row, "pd-mismatch");
  field_label = gtk_label_new (pd_field_get_label (item->field));
  gtk_label_set_xalign (GTK_LABEL (field_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (field_label), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (field_label), 14);
  gtk_label_set_max_width_chars (GTK_LABEL (field_label), 18);
  gtk_widget_add_css_class (field_label, "heading");
  gtk_box_append (GTK_BOX (item->row), field_label);
  gtk_box_append (GTK_BOX (item->row), value_box (_("Declaration"), declared));
  gtk_box_append (GTK_BOX (item->row), value_box (self->document, document));

  item->keep_button = make_button (item, _("_Keep"), _("Keep the declared value"), FALSE);
  item->use_button = make_button (item, self->use_label, _("Replace the declared value with the scanned one"), TRUE);
  gtk_widget_add_css_class (item->use_button, "suggested-action");
  g_signal_connect (item->keep_button, "clicked", G_CALLBACK (button_clicked_cb), self);
  g_signal_connect (item->use_button, "clicked", G_CALLBACK (button_clicked_cb), self);
  gtk_box_append (GTK_BOX (item->row), item->keep_button);
  gtk_box_append (GTK_BOX (item->row), item->use_button);

  gtk_accessible_update_property (GTK_ACCESSIBLE (item->row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  pd_field_get_label (item->field), -1);
  gtk_box_append (GTK_BOX (self->rows), item->row);
  g_ptr_array_add (self->items, item);
}

void
pd_mismatch_panel_clear (PdMismatchPanel *self)
{
  GtkWidget *child;

  g_return_if_fail (PD_IS_MISMATCH_PANEL (self));

  while ((child = gtk_widget_get_first_child (self->rows)) != NULL)
    gtk_box_remove (GTK_BOX (self->rows), child);
  g_ptr_array_set_size (self->items, 0);
  update_title (self);
}

void
pd_mismatch_panel_set_mismatches (PdMismatchPanel *self,
                                  const char      *document,
                                  const char      *use_label,
                                  GPtrArray       *mismatches)
{
  g_return_if_fail (PD_IS_MISMATCH_PANEL (self));
  g_return_if_fail (document != NULL);
  g_return_if_fail (use_label != NULL);

  pd_mismatch_panel_clear (self);
  g_free (self->document);
  self->document = g_strdup (document);
  g_free (self->use_label);
  self->use_label = g_strdup (use_label);
  for (guint i = 0; mismatches != NULL && i < mismatches->len; i++)
    add_item (self, g_ptr_array_index (mismatches, i));
  update_title (self);
}

guint
pd_mismatch_panel_get_n_unresolved (PdMismatchPanel *self)
{
  g_return_val_if_fail (PD_IS_MISMATCH_PANEL (self), 0);
  return self->items->len;
}

const char *
pd_mismatch_panel_get_value (PdMismatchPanel *self,
                             PdField          field,
                             gboolean         document)
{
  Item *item;

  g_return_val_if_fail (PD_IS_MISMATCH_PANEL (self), NULL);
  item = find_item (self, field);
  if (item == NULL)
    return NULL;
  return document ? item->document : item->declared;
}

GtkWidget *
pd_mismatch_panel_get_button (PdMismatchPanel *self,
                              PdField          field,
                              gboolean         use_document)
{
  Item *item;

  g_return_val_if_fail (PD_IS_MISMATCH_PANEL (self), NULL);
  item = find_item (self, field);
  if (item == NULL)
    return NULL;
  return use_document ? item->use_button : item->keep_button;
}

static void
pd_mismatch_panel_dispose (GObject *object)
{
  PdMismatchPanel *self = PD_MISMATCH_PANEL (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (pd_mismatch_panel_parent_class)->dispose (object);
}

static void
pd_mismatch_panel_finalize (GObject *object)
{
  PdMismatchPanel *self = PD_MISMATCH_PANEL (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_free (self->document);
  g_free (self->use_label);
  G_OBJECT_CLASS (pd_mismatch_panel_parent_class)->finalize (object);
}

static void
pd_mismatch_panel_class_init (PdMismatchPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_mismatch_panel_dispose;
  object_class->finalize = pd_mismatch_panel_finalize;

  /* (field, chosen value (nullable), use_document): the officer chose; the row is gone. */
  signals[RESOLVED] = g_signal_new ("resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                    G_TYPE_INT, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pd_mismatch_panel_init (PdMismatchPanel *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  self->document = g_strdup ("");
  self->use_label = g_strdup ("");

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  gtk_widget_add_css_class (self->box, "card");
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 12);
  gtk_widget_set_margin_bottom (self->box, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  gtk_widget_add_css_class (icon, "warning");
  self->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->title, TRUE);
  gtk_label_set_xalign (self->title, 0.0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->title), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "heading");
  gtk_box_append (GTK_BOX (header), icon);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->title));
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_widget_set_margin_top (header, 12);
  gtk_box_append (GTK_BOX (self->box), header);

  self->rows = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (self->rows, 12);
  gtk_widget_set_margin_end (self->rows, 12);
  gtk_widget_set_margin_bottom (self->rows, 12);
  gtk_box_append (GTK_BOX (self->box), self->rows);

  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
