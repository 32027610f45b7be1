// Boost.Process v2's compiled part, built once here (its header-only mode misses
// process_environment::on_setup in Boost 1.81).
#include <boost/process/v2/src.hpp>
