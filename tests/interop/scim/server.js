// A SCIM 2.0 service provider we did not write (scimmy + scimmy-routers on express), standing in for an app that
// Roster provisions. State lives in memory, and in --state FILE when given so a restart keeps it (the tests stop the
// provider and start it again). The bearer token is required on every SCIM request. /control (no token: this only
// ever listens on 127.0.0.1) lets a test make it misbehave and read which requests it received.
//
//   node server.js --token TOKEN [--state FILE] [--port PORT]     prints {"port": N} once listening
import express from "express";
import fs from "node:fs";
import crypto from "node:crypto";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
    arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
if (!args.token) throw new Error("--token is required");

const state = args.state && fs.existsSync(args.state) ? JSON.parse(fs.readFileSync(args.state, "utf8")) : {users: [], groups: []};
const save = () => { if (args.state) fs.writeFileSync(args.state, JSON.stringify(state)); };
let mode = "ok";
const log = [];

const notFound = id => new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);
const now = () => new Date().toISOString();
// scimmy turns every resource an egress handler returns into a schema instance before it takes the requested page,
// which makes each page cost as much as the whole list; the page is taken here first, and the total handed on.
const page = (resource, all) => {
    if (!resource.constraints) return all;
    const {startIndex = 1, count = 20} = resource.constraints;
    resource.constraints.totalResults = all.length;
    return all.slice(startIndex - 1, startIndex - 1 + count);
};
const pick = (data, keys) => Object.fromEntries(keys.filter(k => data[k] !== undefined).map(k => [k, JSON.parse(JSON.stringify(data[k]))]));

SCIMMY.Config.set({patch: true, filter: 100000, sort: true, bulk: {supported: false, maxPayloadSize: 16 * 1024 * 1024}});

SCIMMY.Resources.declare(SCIMMY.Resources.User)
    .ingress((resource, data) => {
        const fields = pick(data, ["userName", "externalId", "name", "displayName", "emails", "active"]);
        fields.active = fields.active ?? true;
        const clash = state.users.find(u => u.userName.toLowerCase() === String(fields.userName).toLowerCase() && u.id !== resource.id);
        if (clash) throw new SCIMMY.Types.Error(409, "uniqueness", `userName ${fields.userName} is already taken`);
        if (resource.id) {
            const user = state.users.find(u => u.id === resource.id);
            if (!user) throw notFound(resource.id);
            for (const key of ["name", "displayName", "emails", "externalId"]) delete user[key];
            Object.assign(user, fields, {meta: {...user.meta, lastModified: now()}});
            save();
            return user;
        }
        const user = {id: crypto.randomUUID(), ...fields, meta: {created: now(), lastModified: now()}};
        state.users.push(user);
        save();
        return user;
    })
    .egress(resource => {
        if (resource.id) return state.users.find(u => u.id === resource.id) ?? (() => { throw notFound(resource.id); })();
        return page(resource, resource.filter ? resource.filter.match(state.users) : state.users);
    })
    .degress(resource => {
        const index = state.users.findIndex(u => u.id === resource.id);
        if (index < 0) throw notFound(resource.id);
        state.users.splice(index, 1);
        for (const group of state.groups) group.members = (group.members ?? []).filter(m => m.value !== resource.id);
        save();
    });

SCIMMY.Resources.declare(SCIMMY.Resources.Group)
    .ingress((resource, data) => {
        const fields = pick(data, ["displayName", "externalId", "members"]);
        fields.members = (fields.members ?? []).map(m => ({value: m.value}));
        const unknown = fields.members.find(m => !state.users.some(u => u.id === m.value));
        if (unknown) throw new SCIMMY.Types.Error(400, "invalidValue", `No user ${unknown.value} to be a member`);
        if (resource.id) {
            const group = state.groups.find(g => g.id === resource.id);
            if (!group) throw notFound(resource.id);
            delete group.externalId;
            Object.assign(group, fields, {meta: {...group.meta, lastModified: now()}});
            save();
            return group;
        }
        const group = {id: crypto.randomUUID(), ...fields, meta: {created: now(), lastModified: now()}};
        state.groups.push(group);
        save();
        return group;
    })
    .egress(resource => {
        if (resource.id) return state.groups.find(g => g.id === resource.id) ?? (() => { throw notFound(resource.id); })();
        return page(resource, resource.filter ? resource.filter.match(state.groups) : state.groups);
    })
    .degress(resource => {
        const index = state.groups.findIndex(g => g.id === resource.id);
        if (index < 0) throw notFound(resource.id);
        state.groups.splice(index, 1);
        save();
    });

const app = express();
// scimmy takes startIndex and count only as numbers, and express hands query values over as strings.
app.set("query parser", query => {
    const params = Object.fromEntries(new URLSearchParams(query));
    for (const key of ["startIndex", "count"]) if (/^\d+$/.test(params[key] ?? "")) params[key] = Number(params[key]);
    return params;
});
app.use("/control", express.json());
app.post("/control", (req, res) => { mode = req.body.mode; res.json({mode}); });
app.get("/control/log", (req, res) => res.json(log));
// Changes made behind Roster's back, as an app's own admin would: {op: "delete"|"rename", id, userName}.
app.post("/control/tamper", (req, res) => {
    const index = state.users.findIndex(u => u.id === req.body.id);
    if (index < 0) return res.status(404).json({});
    if (req.body.op === "delete") state.users.splice(index, 1);
    else state.users[index].userName = req.body.userName;
    save();
    res.json({});
});

app.use("/scim", (req, res, next) => {
    log.push(`${req.method} ${req.path}`);
    if (mode === "500") return res.status(500).type("application/scim+json").send(JSON.stringify({status: "500", detail: "the app is having a bad day"}));
    if (mode === "400") return res.status(400).type("application/scim+json").send(JSON.stringify({status: "400", scimType: "invalidValue", detail: "this app refuses everything"}));
    if (mode === "garbage") return res.status(200).type("application/scim+json").send("<html>certainly not json");
    if (mode === "slow") return setTimeout(next, 15000);
    next();
});
app.use("/scim", new SCIMMYRouters({
    type: "bearer",
    docUri: "https://example.org/scim-token",
    handler: request => {
        const expected = Buffer.from(`Bearer ${args.token}`);
        const given = Buffer.from(request.header("Authorization") ?? "");
        if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw new Error("Bearer token missing or wrong");
        return "roster";
    },
}));

const server = app.listen(Number(args.port ?? 0), "127.0.0.1", () => console.log(JSON.stringify({port: server.address().port})));
process.on("SIGTERM", () => { save(); process.exit(0); });
