/* pd-renderer.c: how the windows are drawn on a machine without a graphics driver (cairo on llvmpipe). */
#define G_LOG_DOMAIN "pd-renderer"

#include "config.h"

#include <string.h>
#include <epoxy/gl.h>

#include "pd-renderer.h"

/* GSK looks this key up on the display before GSK_RENDERER (gsk_renderer_new_for_surface); the
 * GTK inspector sets it the same way. */
#define DISPLAY_RENDERER_KEY "gsk-renderer"

gboolean
pd_renderer_is_software (const char *gl_renderer)
{
  static const char *software[] = { "llvmpipe", "softpipe", "swrast", "Software Rasterizer" };

  if (gl_renderer == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (software); i++)
    if (strstr (gl_renderer, software[i]) != NULL)
      return TRUE;
  return FALSE;
}

char *
pd_renderer_choose (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;
  char *name;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);

  if (g_getenv ("GSK_RENDERER") != NULL)
    return NULL;

  /* The display's own context: GTK's OpenGL renderer shares it, so the probe is not wasted. */
  context = gdk_display_create_gl_context (display, &error);
  if (context == NULL || !gdk_gl_context_realize (context, &error))
    {
      g_debug ("No OpenGL (%s): GTK chooses", error->message);
      return NULL;
    }
  gdk_gl_context_make_current (context);
  name = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();

  if (pd_renderer_is_software (name))
    {
      g_debug ("OpenGL is software (%s): drawing with cairo", name);
      g_object_set_data_full (G_OBJECT (display), DISPLAY_RENDERER_KEY, g_strdup ("cairo"), g_free);
    }
  return name;
}
