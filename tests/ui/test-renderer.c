/* test-renderer.c: the renderer Passdesk chooses for its windows. Under Xvfb OpenGL is Mesa's
 * llvmpipe, a software rasteriser: the window must be drawn with cairo, unless GSK_RENDERER
 * says otherwise (run with it unset, then set to "gl"; see tests/ui/meson.build). */
#include "config.h"

#include <adwaita.h>

#include "pd-application.h"
#include "pd-renderer.h"
#include "pd-test-support.h"
#include "pd-ui-test-support.h"
#include "pd-window.h"

static void
test_names (void)
{
  g_assert_true (pd_renderer_is_software ("llvmpipe (LLVM 15.0.6, 256 bits)"));
  g_assert_true (pd_renderer_is_software ("softpipe"));
  g_assert_true (pd_renderer_is_software ("Software Rasterizer"));
  g_assert_false (pd_renderer_is_software ("Mesa Intel(R) UHD Graphics 620 (KBL GT2)"));
  g_assert_false (pd_renderer_is_software ("AMD Radeon Vega 8 Graphics (raven, LLVM 15.0.6, DRM 3.49)"));
  g_assert_false (pd_renderer_is_software (NULL));
}

static gboolean
realized (gpointer window)
{
  return gtk_native_get_renderer (GTK_NATIVE (window)) != NULL;
}

static void
test_window (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *db_path = g_build_filename (dir, "passdesk.db", NULL);
  g_autoptr(PdApplication) app = NULL;
  const char *forced = g_getenv ("GSK_RENDERER");
  PdWindow *window = pd_ui_new_window (db_path, &app);
  const char *renderer;

  gtk_window_present (GTK_WINDOW (window));
  pd_ui_wait_until (realized, window, "the window to be realized");
  renderer = G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window)));
  g_test_message ("GSK_RENDERER=%s: %s", forced ? forced : "(unset)", renderer);

  if (forced == NULL)
    /* Xvfb has no GPU: its OpenGL is llvmpipe. */
    g_assert_cmpstr (renderer, ==, "GskCairoRenderer");
  else if (g_str_equal (forced, "gl"))
    g_assert_cmpstr (renderer, ==, "GskGLRenderer");
  else
    g_assert_not_reached ();
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  g_test_add_func ("/renderer/names", test_names);
  g_test_add_func ("/renderer/window", test_window);
  return g_test_run ();
}
