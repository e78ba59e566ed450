using Billing.Dispatch.Rendering;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Billing.Dispatch.Api;

[ApiController]
[Route("api/documents")]
[Authorize(Policy = "TenantAdmin")]
public sealed class DocumentsController : ControllerBase
{
    private readonly TemplateStore _templates;

    public DocumentsController(TemplateStore templates) => _templates = templates;

    [HttpGet("preview/{fileName}")]
    public IActionResult Preview(string fileName) => Content(_templates.LoadPreview(fileName), "text/html");

    [HttpGet("ping")]
    [AllowAnonymous]
    public IActionResult Ping() => Ok("pong");
}
