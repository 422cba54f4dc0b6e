//! The `rate` Lambda: the rate family's routes behind API Gateway (see `motcua_functions::lambda`).

motcua_functions::http_lambda!(motcua_functions::routes::Family::Rate);
