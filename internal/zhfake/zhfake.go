// Package zhfake makes Chinese test data for the route test's actors: a
// test buyer's name and the second-hand item of a test order, as a Xianyu
// tester would see them. Every value comes from the gofakeit faker the
// caller passes, seeded per actor (gofakeit.New(seed + i)), so the same
// seed gives the same data, and a report in Chinese reads as one.
package zhfake

import (
	"github.com/brianvoe/gofakeit/v6"
)

// surnames are common Chinese family names.
var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余",
	"杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石",
	"欧阳", "司马", "上官",
}

// givenChars are characters of given names; a name has one or two.
var givenChars = []string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚",
	"婷", "浩", "宇", "欣", "怡", "佳", "晨", "阳", "博", "文", "思", "雨", "嘉", "俊", "鑫", "琳", "颖", "子", "梓", "涵",
	"一", "诺", "若", "萱", "天", "佑", "书", "瑶", "建", "华", "志", "国", "晓", "红", "海", "燕", "春", "秋", "冬", "梅",
}

// items are things people sell or recycle on Xianyu (闲鱼).
var items = []string{
	"iPhone 13 128G", "iPhone 14 Pro 256G", "华为 Mate 40 Pro", "华为 P50 Pocket", "小米 13 Ultra", "OPPO Find X6", "vivo X90",
	"iPad Air 5 64G", "MacBook Air M1", "联想小新 Pro 14", "戴森吹风机 HD08", "任天堂 Switch 续航版", "索尼 WH-1000XM4 耳机",
	"佳能 EOS M50 相机", "大疆 Mini 3 无人机", "美的空气炸锅", "九阳豆浆机", "小天才电话手表 Z6", "捷安特 ATX 山地车",
	"宜家 毕利书柜", "Kindle Paperwhite 5", "罗技 MX Master 3 鼠标", "乐高 保时捷 911", "北面羽绒服 L 码", "三体 全三册",
}

// conditions say how used an item is, as sellers write it.
var conditions = []string{"全新未拆封", "99新", "95新", "9成新", "8成新", "有使用痕迹"}

// Name is a Chinese name: a family name and a one- or two-character
// given name, e.g. 王思雨.
func Name(f *gofakeit.Faker) string {
	n := f.RandomString(surnames) + f.RandomString(givenChars)
	if f.Number(0, 2) > 0 {
		n += f.RandomString(givenChars)
	}
	return n
}

// Item is a second-hand item with its condition, e.g. 华为 Mate 40 Pro（95新）.
func Item(f *gofakeit.Faker) string {
	return f.RandomString(items) + "（" + f.RandomString(conditions) + "）"
}
