-- wrk script: online submissions of the criminal-record procedure.
dofile("scripts/bench/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"procedure_code":"2.000488","applicant":{"kind":"citizen","name":"Nguyen Van Tai","citizen_id":"079203001234","phone":"0912345678"},"documents":[{"component":"Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp","file_name":"a.pdf"},{"component":"Bản chụp giấy tờ tùy thân","file_name":"b.pdf"}]}]]
