// The only header of the C layer: GLPK 5.0 as shipped by Debian's libglpk-dev.
// GLP_UNDOC: the cut generators' API (glp_mir_init, glp_mir_gen, ...), which
// GLPK 5.0 exports but declares only under this macro.
#define GLP_UNDOC 1
#include <glpk.h>
