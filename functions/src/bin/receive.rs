//! The `receive` Lambda: the receive family's routes behind API Gateway (see `motcua_functions::lambda`).

motcua_functions::http_lambda!(motcua_functions::routes::Family::Receive);
