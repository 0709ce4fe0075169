// The only header of the C layer: GLPK 5.0 as shipped by Debian's libglpk-dev.
#include <glpk.h>
