/* pd-photo-row.c: the applicant's photo on the form, with the button that takes it. */
#define G_LOG_DOMAIN "pd-photo-row"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-photo-image.h"
#include "pd-photo-row.h"

struct _PdPhotoRow
{
  AdwActionRow  parent_instance;

  GtkPicture   *thumbnail;
};

G_DEFINE_FINAL_TYPE (PdPhotoRow, pd_photo_row, ADW_TYPE_ACTION_ROW)

void
pd_photo_row_show (PdPhotoRow *self,
                   GBytes     *jpeg,
                   gboolean    overridden)
{
  g_autoptr(GdkTexture) texture = NULL;

  g_return_if_fail (PD_IS_PHOTO_ROW (self));

  if (jpeg != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* The photo may come from the central system (a prepared declaration): read it with
       * the photo checks' guarded reader, not gdk_texture_new_from_bytes(), which would decode
       * any coding or claimed size on the UI thread. */
      g_autoptr(GdkPixbuf) pixbuf = pd_photo_image_load_bytes (jpeg, &error);

      if (pixbuf != NULL)
        texture = gdk_texture_new_for_pixbuf (pixbuf);
      else
        g_warning ("Cannot show the photo: %s", error->message);
    }
  gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->thumbnail), texture != NULL);

  if (texture == NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("No photo yet: take it with the camera or import it from a file"));
  else if (overridden)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("Taken with failed checks overridden; the reason is recorded when the application is saved"));
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("Meets the photo standard"));
}

gboolean
pd_photo_row_get_shown (PdPhotoRow *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_ROW (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->thumbnail));
}

GtkPicture *
pd_photo_row_get_thumbnail (PdPhotoRow *self)
{
  g_return_val_if_fail (PD_IS_PHOTO_ROW (self), NULL);
  return self->thumbnail;
}

static void
pd_photo_row_class_init (PdPhotoRowClass *klass)
{
}

static void
pd_photo_row_init (PdPhotoRow *self)
{
  GtkWidget *button;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _("Photo"));
  self->thumbnail = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->thumbnail, TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->thumbnail), 40, 60);
  gtk_widget_set_margin_top (GTK_WIDGET (self->thumbnail), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->thumbnail), 6);
  gtk_picture_set_alternative_text (self->thumbnail, _("The applicant’s photo"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), GTK_WIDGET (self->thumbnail));
  button = gtk_button_new_with_mnemonic (_("_Take Photo…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.photo");
  gtk_widget_set_tooltip_text (button, _("Open the camera page (Ctrl+T)"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), button);
}

PdPhotoRow *
pd_photo_row_new (void)
{
  return g_object_new (PD_TYPE_PHOTO_ROW, NULL);
}
