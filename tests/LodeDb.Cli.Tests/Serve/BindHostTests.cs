using System.Net;
using LodeDb.Cli.Commands.Serve;

namespace LodeDb.Cli.Tests.Serve;

/// <summary><c>lodedb serve --host</c>: loopback and private addresses only, unless --allow-public with a token.</summary>
public sealed class BindHostTests
{
    [TestCase("0.0.0.0", "every interface")]
    [TestCase("::", "every interface")]
    [TestCase("8.8.8.8", "a public address")]
    [TestCase("172.32.0.1", "a public address")]
    public void Serve_refuses_a_public_or_wildcard_host_before_opening_anything(string host, string what)
    {
        using var folder = new TempFolder();

        CliRun run = CliRun.Of("serve", folder.Combine("no-db"), "--host", host);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.ErrorLines.Single(), Does.Contain(what).And.Contain("--allow-public"));
    }

    [Test]
    public void Allow_public_needs_a_token()
    {
        using var folder = new TempFolder();
        using var noToken = new EnvironmentVariableScope(ServeCommand.TokenVariable, null);

        CliRun run = CliRun.Of("serve", folder.Combine("no-db"), "--host", "0.0.0.0", "--allow-public");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.ErrorLines.Single(), Does.Contain("bearer token"));
    }

    [TestCase("127.0.0.1", true)]
    [TestCase("::1", true)]
    [TestCase("10.1.2.3", true)]
    [TestCase("172.16.0.1", true)]
    [TestCase("172.31.255.255", true)]
    [TestCase("192.168.0.10", true)]
    [TestCase("169.254.1.1", true)]
    [TestCase("fd00::1", true)]
    [TestCase("fe80::1", true)]
    [TestCase("::ffff:192.168.1.1", true)]
    [TestCase("192.169.0.1", false)]
    [TestCase("11.0.0.1", false)]
    [TestCase("2001:4860:4860::8888", false)]
    [TestCase("::ffff:8.8.8.8", false)]
    public void Private_addresses_are_recognised(string address, bool loopbackOrPrivate) =>
        Assert.That(BindAddressPolicy.IsLoopbackOrPrivate(IPAddress.Parse(address)), Is.EqualTo(loopbackOrPrivate));

    [Test]
    public void A_host_name_other_than_localhost_is_refused()
    {
        CliRun run = CliRun.Of("serve", ".", "--host", "example.com");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.ErrorLines.Single(), Does.Contain("not an IP address"));
    }
}
