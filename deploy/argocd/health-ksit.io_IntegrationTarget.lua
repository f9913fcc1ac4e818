-- Argo CD health check for ksit.io/IntegrationTarget (resource.customizations.health.ksit.io_IntegrationTarget).
-- Healthy once the target workflow's last probe reached the cluster's API server at the current generation.
local hs = {}
local function condition(conditions, kind)
  if conditions == nil then return nil end
  for _, c in ipairs(conditions) do
    if c.type == kind then return c end
  end
  return nil
end

if obj.status == nil or obj.status.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "waiting for the ksit controller"
  return hs
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "waiting for generation " .. tostring(obj.metadata.generation) .. " to be accepted"
  return hs
end
local ready = condition(obj.status.conditions, "Ready")
local stalled = condition(obj.status.conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.message
elseif ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = "Kubernetes " .. (obj.status.serverVersion or "?") .. "; " .. ready.message
elseif ready ~= nil and ready.reason == "Unreachable" then
  hs.status = "Degraded"
  hs.message = ready.message
else
  hs.status = "Progressing"
  hs.message = (ready and ready.message) or "waiting for the first probe"
end
return hs
