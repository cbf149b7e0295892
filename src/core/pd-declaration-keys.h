/* pd-declaration-keys.h: forwards to sync/pd-declaration-keys.h for the app, the CLI, the
 * central server and their tests, until they include it from there (then delete this). */
#pragma once

#include "sync/pd-declaration-keys.h"
