-- Argo CD health check for ksit.io/Integration (resource.customizations.health.ksit.io_Integration).
-- Argo CD does not read kstatus; this maps the controller's status to Argo CD's words. Healthy only when every
-- cluster is Running at the generation the object has now (the controller's Ready condition says exactly that).
local hs = {}
local function condition(conditions, kind)
  if conditions == nil then return nil end
  for _, c in ipairs(conditions) do
    if c.type == kind then return c end
  end
  return nil
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "waiting for the ksit controller"
  return hs
end
local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if observed == nil or (generation ~= nil and observed < generation) then
  hs.status = "Progressing"
  hs.message = "waiting for generation " .. tostring(generation) .. " to be accepted"
  return hs
end
if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = obj.status.message or "suspended"
  return hs
end
local ready = condition(obj.status.conditions, "Ready")
local stalled = condition(obj.status.conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.message
  return hs
end
if obj.status.phase == "Degraded" or obj.status.phase == "Failed" then
  hs.status = "Degraded"
  hs.message = obj.status.message
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message
  return hs
end
hs.status = "Progressing"
if ready ~= nil then
  hs.message = ready.message
else
  hs.message = obj.status.message or "in progress"
end
return hs
