-- wrk's request for the example's load: POST /orders with orders.json.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("orders.json", "r")
wrk.body = f:read("*a")
f:close()
