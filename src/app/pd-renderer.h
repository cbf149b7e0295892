/* pd-renderer.h: how the windows are drawn on a machine without a graphics driver. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Draws @display's windows with cairo when OpenGL there is Mesa's software rasteriser
 * (llvmpipe, softpipe, swrast): it redraws the whole window for every camera frame, some
 * 100 ms a frame on a 2-core office PC, where cairo redraws only what changed. A GPU keeps
 * GTK's OpenGL renderer; GSK_RENDERER, when set, is obeyed. Call it before the first window
 * is shown. Returns the OpenGL renderer's name (NULL without OpenGL), for the log. */
char *pd_renderer_choose (GdkDisplay *display);

/* Whether an OpenGL renderer's name (GL_RENDERER) is a software one. */
gboolean pd_renderer_is_software (const char *gl_renderer);

G_END_DECLS
