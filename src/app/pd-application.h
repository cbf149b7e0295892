/* pd-application.h: the application: its windows, the app-wide actions and the About and shortcuts windows. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PD_TYPE_APPLICATION (pd_application_get_type ())
G_DECLARE_FINAL_TYPE (PdApplication, pd_application, PD, APPLICATION, AdwApplication)

PdApplication *pd_application_new               (void);
const char    *pd_application_get_database_path (PdApplication *self);
void           pd_application_set_database_path (PdApplication *self,
                                                 const char    *path);
GSettings     *pd_application_get_settings      (PdApplication *self);

G_END_DECLS
