-- wrk script: POSTs a Netverify callback (the seed's approved example) with a unique scan reference per request.
-- PACE_MS (env): milliseconds each connection waits between requests (0 = as fast as possible).
local threads = {}
local next_id = 1
local pace_ms = tonumber(os.getenv("PACE_MS") or "0")
local run = os.getenv("RUN_ID") or tostring(os.time())

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end

local counter = 0
local template = "idExpiry=2022-12-31&idType=PASSPORT&idDob=1990-01-01&idCheckSignature=OK&idCheckDataPositions=OK"
  .. "&idCheckHologram=OK&idCheckMicroprint=OK&idCheckDocumentValidation=OK&idCountry=USA&idScanSource=SDK"
  .. "&idFirstName=FIRSTNAME&verificationStatus=APPROVED_VERIFIED&jumioIdScanReference=%s&personalNumber=N%%2FA"
  .. "&merchantIdScanReference=YOURIDSCANREFERENCE&idCheckSecurityFeatures=OK&idCheckMRZcode=OK"
  .. "&idScanImage=https%%3A%%2F%%2Fnetverify.com%%2Frecognition%%2Fv1%%2Fidscan%%2F%s%%2Ffront&callBackType=NETVERIFYID"
  .. "&clientIp=xxx.xxx.xxx.xxx&idLastName=LASTNAME&idAddress=%%7B%%22country%%22%%3A%%22USA%%22%%2C%%22stateCode%%22%%3A%%22US%%2DOH%%22%%7D"
  .. "&idScanStatus=SUCCESS&identityVerification=%%7B%%22similarity%%22%%3A%%22MATCH%%22%%2C%%22validity%%22%%3Atrue%%7D&idNumber=P1234"
  .. "&callbackDate=2024-05-01T10%%3A03%%3A12.345Z&transactionDate=2024-05-01T10%%3A00%%3A00.000Z"
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function request()
  counter = counter + 1
  local ref = string.format("bench-%s-%d-%d", run, tid or 0, counter)
  return wrk.format("POST", nil, headers, string.format(template, ref, ref))
end

function delay()
  return pace_ms
end
